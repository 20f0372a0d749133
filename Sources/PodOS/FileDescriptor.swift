import Glibc
import PodCore

/// An owned file descriptor, closed when the value is dropped.
public final class FileDescriptor: @unchecked Sendable {
    public let raw: Int32
    public let path: String?

    public init(raw: Int32, path: String? = nil) {
        self.raw = raw
        self.path = path
    }

    deinit { _ = Glibc.close(raw) }

    /// `open(2)` with O_CLOEXEC always added: podctl never leaks a descriptor into a child.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(PodError) -> FileDescriptor {
        let fd = try syscall("open", path: path) { Glibc.open(path, flags | O_CLOEXEC, mode) }
        return FileDescriptor(raw: fd, path: path)
    }

    public func writeAll(_ bytes: [UInt8]) throws(PodError) {
        var offset = 0
        while offset < bytes.count {
            let written = try syscallSize("write", path: path) {
                bytes.withUnsafeBytes { Glibc.write(self.raw, $0.baseAddress! + offset, $0.count - offset) }
            }
            offset += written
        }
    }

    /// Everything to the end, or nil as soon as there is more than `limit` bytes (a
    /// bounded parser's input: it never holds more than that).
    public func readAll(atMost limit: Int) throws(PodError) -> [UInt8]? {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = try syscallSize("read", path: path) {
                chunk.withUnsafeMutableBytes { Glibc.read(self.raw, $0.baseAddress!, $0.count) }
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
            if result.count > limit { return nil }
        }
    }

    public func readAll() throws(PodError) -> [UInt8] {
        try readAll(atMost: Int.max) ?? []
    }

    public func sync() throws(PodError) {
        try syscall("fsync", path: path) { fsync(raw) }
    }
}
