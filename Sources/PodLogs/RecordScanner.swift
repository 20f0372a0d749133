import Glibc
import PodCore
import PodOS

/// Reads a log file in large chunks and hands out its lines (without newlines). A line
/// whose newline is not in the file yet — a writer in the middle of its `write(2)` —
/// is carried until the rest arrives, or taken as it is when the file is known to be
/// complete (rotated away, or the end of a one-shot read).
final class RecordScanner {
    /// Longer than any record podctl writes (16 KiB + header); a longer run without a
    /// newline is not a record and goes out as it is.
    static let maxCarryBytes = 1024 * 1024

    private var chunk = [UInt8](repeating: 0, count: 256 * 1024)
    private var carry: [UInt8] = []
    /// Bytes read from the current file.
    private(set) var offset = 0

    /// Reads `file` to its current end. Returns the bytes read and whether `line`
    /// asked to stop.
    func drain(_ file: FileDescriptor, line: (UnsafeRawBufferPointer) -> Bool) throws(PodError) -> (read: Int, stopped: Bool) {
        var total = 0
        while true {
            let count = try syscallSize("read", path: file.path) {
                chunk.withUnsafeMutableBytes { Glibc.read(file.raw, $0.baseAddress!, $0.count) }
            }
            if count == 0 { return (total, false) }
            total += count
            offset += count
            let carried = carry
            let go = chunk.withUnsafeBytes { lines(in: UnsafeRawBufferPointer(rebasing: $0[..<count]), after: carried, line: line) }
            if !go { return (total, true) }
        }
    }

    /// The unterminated end of a file that will not grow any more.
    func takeCarry() -> [UInt8]? {
        defer { carry = [] }
        return carry.isEmpty ? nil : carry
    }

    /// Starts over on a new file (or the same one truncated).
    func reset() {
        carry = []
        offset = 0
    }

    private func lines(in data: UnsafeRawBufferPointer, after carried: [UInt8], line: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let base = data.baseAddress!
        var start = 0
        carry = []
        var first = !carried.isEmpty
        while start < data.count {
            guard let found = memchr(base + start, Int32(UInt8(ascii: "\n")), data.count - start) else { break }
            let end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            let piece = UnsafeRawBufferPointer(rebasing: data[start..<end])
            let go = first ? (carried + Array(piece)).withUnsafeBytes { line($0) } : line(piece)
            first = false
            if !go { return false }
            start = end + 1
        }
        carry = first ? carried : []
        carry += UnsafeRawBufferPointer(rebasing: data[start...])
        if carry.count > Self.maxCarryBytes {
            let long = carry
            carry = []
            return long.withUnsafeBytes { line($0) }
        }
        return true
    }
}

/// Which file an open descriptor or a path is: device and inode. A rotation renames the
/// file, so the path names a new inode while the open descriptor keeps the old one.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    init(file: FileDescriptor) throws(PodError) {
        var info = stat()
        try syscall("fstat", path: file.path) { fstat(file.raw, &info) }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
