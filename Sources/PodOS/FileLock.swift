import Glibc
import PodCore

/// An exclusive advisory lock on a file (flock(2)), held until `unlock` or until the
/// process dies — the kernel drops it then, so a crashed podctl never leaves a pod
/// locked for good.
///
/// A lock file may be removed by its holder (when the thing it guards is deleted).
/// A waiter that then gets the lock holds it on an unlinked inode; it checks that the
/// path still names the inode it locked and starts over if not — the usual pattern
/// for removable lock files.
public final class FileLock: @unchecked Sendable {
    public let path: String
    private var descriptor: FileDescriptor?

    private init(path: String, descriptor: FileDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    public enum Wait: Sendable {
        case no
        case upTo(seconds: Double)
    }

    /// Takes the lock; returns nil when another process holds it past the wait.
    public static func acquire(_ path: String, wait: Wait) throws(PodError) -> FileLock? {
        let deadline = monotonicSeconds() + {
            if case let .upTo(seconds) = wait { return seconds }
            return 0
        }()
        while true {
            let file = try FileDescriptor.open(path, O_RDWR | O_CREAT, mode: 0o600)
            if flock(file.raw, LOCK_EX | LOCK_NB) == 0 {
                if try sameInode(file, path) {
                    let lock = FileLock(path: path, descriptor: file)
                    lock.recordHolder()
                    return lock
                }
                continue  // the holder removed the file while we waited: lock the new one
            }
            let code = Glibc.errno
            guard code == EWOULDBLOCK || code == EINTR else {
                throw PodError.system("flock", errno: code, path: path)
            }
            if monotonicSeconds() >= deadline { return nil }
            usleep(5_000)
        }
    }

    /// The pid of the live process that holds the lock, or nil when none can be named.
    /// The kernel's own table (/proc/locks, the lock's pid in our pid namespace) comes
    /// first; the pid the holder wrote into the file is the fallback. A pid that is not
    /// running is never named: it would send the user after the wrong process. An exited
    /// process not yet reaped (a zombie) holds no lock: the kernel released it at exit,
    /// so waiting for its PID to vanish would wait on its reaper instead (PID 1 may reap
    /// late: on this kind of host it took 1.6 s, and `delete` of the last pod, which
    /// stops pod-dns, waited that long).
    public static func holder(of path: String) -> Int32? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let recorded = (try? Files.readText(path)).flatMap { Int32($0.trimmingWhitespace()) }
        let table = (try? Files.readText("/proc/locks")) ?? ""
        let candidates = lockTableHolders(table, device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) + (recorded.map { [$0] } ?? [])
        return candidates.first { $0 > 0 && (kill($0, 0) == 0 || Glibc.errno == EPERM) && !ProcessIdentity.hasExited($0) }
    }

    /// The pids /proc/locks lists for an inode: `1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234 0 EOF`,
    /// the device as hex major:minor (fs/locks.c, lock_get_status).
    static func lockTableHolders(_ table: String, device: UInt64, inode: UInt64) -> [Int32] {
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~UInt64(0xfff))
        let minor = (device & 0xff) | ((device >> 12) & ~UInt64(0xff))
        let hex = { (value: UInt64) in String(repeating: "0", count: max(0, 2 - String(value, radix: 16).count)) + String(value, radix: 16) }
        let wanted = "\(hex(major)):\(hex(minor)):\(inode)"
        return table.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 6, !line.contains("->"), fields[1] == "FLOCK", fields[5] == wanted else { return nil }
            return Int32(fields[4])
        }
    }

    public func unlock() {
        descriptor = nil  // closing the descriptor releases the flock
    }

    /// Removes the lock file and releases the lock: for the holder that deletes what it
    /// guards. The unlink happens while the lock is held, so a waiter that gets the lock
    /// next finds its inode gone from the path and starts over on a new file.
    public func unlockAndRemove() {
        try? Files.remove(path)
        unlock()
    }

    /// Writes the holder's PID over the last holder's, padded with spaces to one width
    /// (readers trim it), without ftruncate: on ext4 a truncate to zero marks the file for
    /// a forced flush at close (auto_da_alloc, ext4(5)), and the next holder's truncate
    /// then waits for that writeback (5.7 ms measured in a delete; D79).
    private func recordHolder() {
        guard let descriptor else { return }
        let text = Array(Self.holderRecord(getpid()).utf8)
        _ = text.withUnsafeBytes { pwrite(descriptor.raw, $0.baseAddress, $0.count, 0) }
        // Only a file someone else wrote is longer; cut to the record, not to zero.
        var info = stat()
        if fstat(descriptor.raw, &info) == 0 && Int(info.st_size) > text.count { _ = ftruncate(descriptor.raw, off_t(text.count)) }
    }

    /// The PID, left-aligned in 11 characters (a PID has at most 7 digits, pid_max 2^22)
    /// and a newline: every holder's record has the same length.
    static func holderRecord(_ pid: Int32) -> String {
        let digits = String(pid)
        return digits + String(repeating: " ", count: max(0, 11 - digits.count)) + "\n"
    }

    private static func sameInode(_ file: FileDescriptor, _ path: String) throws(PodError) -> Bool {
        var opened = stat()
        var named = stat()
        try syscall("fstat", path: path) { fstat(file.raw, &opened) }
        if stat(path, &named) != 0 { return false }
        return opened.st_ino == named.st_ino && opened.st_dev == named.st_dev
    }
}

public func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
