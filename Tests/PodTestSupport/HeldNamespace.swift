import Foundation
import Glibc

/// A process's namespace held open by a descriptor for as long as a test compares against
/// it. Namespace inode numbers come from an IDA that hands out the lowest free number
/// (proc_alloc_inum, fs/proc/generic.c), so a namespace a delete frees has its number given
/// at once to the next namespace anyone makes: with tests running side by side, a
/// comparison by the link's text (`net:[4026532…]`) after a delete found another test's
/// pause and reported it as left behind. A held namespace is not freed, so its device and
/// inode name it alone.
public final class HeldNamespace: @unchecked Sendable {
    private let descriptor: Int32
    private let kind: String
    private let device: UInt64
    private let inode: UInt64

    public init(_ kind: String, of pid: pid_t) throws {
        let path = "/proc/\(pid)/ns/\(kind)"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw HarnessError("cannot open \(path): errno \(errno)") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw HarnessError("cannot stat \(path): errno \(errno)")
        }
        (self.descriptor, self.kind, device, inode) = (descriptor, kind, UInt64(info.st_dev), UInt64(info.st_ino))
    }

    deinit { close(descriptor) }

    /// Whether process `pid` is in this namespace now.
    public func holds(_ pid: pid_t) -> Bool {
        var info = stat()
        guard stat("/proc/\(pid)/ns/\(kind)", &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// Every process in this namespace now.
    public func processes() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }.filter(holds)
    }
}
