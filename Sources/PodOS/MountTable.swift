import CPodShim
import Glibc
import PodCore

/// The mount a host path lies on, and how it propagates (proc(5), /proc/PID/mountinfo's
/// optional fields `shared:N` and `master:N`). runc and containerd refuse a propagating
/// bind whose source mount cannot propagate (containerd's ensureShared and
/// ensureSharedOrSlave, read from the mountinfo the same way): the bind would look
/// right and never see a mount.
public struct MountTable {
    public struct Entry: Equatable, Sendable {
        public var id: Int
        public var mountPoint: String
        public var shared: Bool
        public var slave: Bool

        public init(id: Int, mountPoint: String, shared: Bool, slave: Bool) {
            self.id = id
            self.mountPoint = mountPoint
            self.shared = shared
            self.slave = slave
        }
    }

    /// Lines this many at most are read (a host with ten thousand mounts is already odd).
    static let maximumLines = 100_000

    /// The entry of mount `id` in a mountinfo text; nil when it is not there.
    public static func entry(id: Int, mountinfo: String) -> Entry? {
        for line in mountinfo.split(separator: "\n").prefix(maximumLines) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count >= 7, Int(fields[0]) == id else { continue }
            // Optional fields run from the seventh field to the "-" separator.
            let optional = fields.dropFirst(6).prefix { $0 != "-" }
            return Entry(id: id, mountPoint: unescape(String(fields[4])),
                         shared: optional.contains { $0.hasPrefix("shared:") },
                         slave: optional.contains { $0.hasPrefix("master:") })
        }
        return nil
    }

    /// The mount ID an open descriptor is on (`mnt_id` of /proc/self/fdinfo, Linux 3.15).
    public static func mountID(of descriptor: Int32) throws(PodError) -> Int {
        let text = try Files.readText("/proc/self/fdinfo/\(descriptor)")
        for line in text.split(separator: "\n") where line.hasPrefix("mnt_id:") {
            if let id = Int(line.dropFirst("mnt_id:".count).trimmingPrefix { $0 == " " || $0 == "\t" }) { return id }
        }
        throw PodError(.system, "/proc/self/fdinfo/\(descriptor) has no mnt_id line")
    }

    /// The mount `path` is on, in this process's mount namespace.
    public static func entry(of path: String) throws(PodError) -> Entry {
        let descriptor = try FileDescriptor.open(path, podshim_O_PATH | O_CLOEXEC)
        let id = try mountID(of: descriptor.raw)
        guard let entry = entry(id: id, mountinfo: try Files.readText("/proc/self/mountinfo")) else {
            throw PodError(.system, "mount \(id) of \(path) is not in /proc/self/mountinfo")
        }
        return entry
    }

    /// mountinfo escapes space, tab, newline and backslash as octal (`\040`).
    static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "\\"), input.count >= 3, let value = UInt8(String(decoding: input.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                input = input.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
