import Glibc
import PodCore
import PodOS

/// The subordinate ID files, /etc/subuid and /etc/subgid (subuid(5)): one range a line,
/// `OWNER:START:COUNT`, OWNER a login name or a decimal UID. They are root's files, but
/// read by every podctl, so the reader is bounded as any input: at most 1 MiB, at most
/// 64 ranges for one owner (the kernel takes 340 lines in a map, user_namespaces(7)),
/// decimal digits only (no sign, no space, as shadow's `getrange` needs), and every range
/// inside the 32-bit IDs with room for the invalid ID 2^32-1.
public enum SubordinateIDs {
    public struct Range: Equatable, Sendable {
        public var start: UInt32
        public var count: UInt32

        public init(start: UInt32, count: UInt32) {
            self.start = start
            self.count = count
        }
    }

    static let maximumFileSize = 1 << 20
    static let maximumRanges = 64

    /// The ranges of an owner known by any of `names` (its login name, its UID), in the
    /// order of the file; none when the file does not exist.
    public static func ranges(of names: Set<String>, in path: String) throws(PodError) -> [Range] {
        guard Files.exists(path) else { return [] }
        guard let bytes = try FileDescriptor.open(path, O_RDONLY).readAll(atMost: maximumFileSize) else {
            throw PodError(.invalidArgument, "\(path) is larger than \(maximumFileSize) bytes: podctl reads no more of a subordinate ID file")
        }
        return try ranges(of: names, text: String(decoding: bytes, as: UTF8.self), path: path)
    }

    /// The parser of `ranges(of:in:)`: lines of other owners are not podctl's to judge and
    /// are skipped unread, as are blank lines and `#` comments; a damaged line of the owner
    /// itself is an error naming it, since newuidmap would refuse that range anyway.
    static func ranges(of names: Set<String>, text: String, path: String) throws(PodError) -> [Range] {
        var found: [Range] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count >= 2, names.contains(String(fields[0])) else { continue }
            guard fields.count == 3, let start = decimal(fields[1]), let count = decimal(fields[2]), count > 0,
                  UInt64(start) + UInt64(count) <= UInt64(UInt32.max) else {
                throw PodError(.invalidArgument, """
                    \(path), line \(index + 1): the entry of \(fields[0]) is not OWNER:START:COUNT with COUNT > 0 \
                    and START+COUNT below 4294967295; correct it (usermod --add-subuids FIRST-LAST OWNER writes a valid one)
                    """)
            }
            guard found.count < maximumRanges else {
                throw PodError(.invalidArgument, "\(path): \(fields[0]) has more than \(maximumRanges) ranges; podctl maps at most \(maximumRanges)")
            }
            found.append(Range(start: start, count: count))
        }
        return found
    }

    /// A decimal of at most 10 digits that fits 32 bits.
    static func decimal(_ text: Substring) -> UInt32? {
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt32(text)
    }
}
