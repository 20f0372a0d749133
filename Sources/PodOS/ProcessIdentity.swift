import CPodShim
import Glibc
import PodCore

/// A process named by its PID and its start time, which together name one process for
/// the life of the machine: a PID alone may belong to another process by the time it is
/// used (proc(5), "starttime"; runc and crun check the same field before they signal or
/// enter a recorded init).
public struct ProcessIdentity: Equatable, Sendable {
    public let pid: Int32
    /// Field 22 of /proc/PID/stat: clock ticks after boot.
    public let startTime: UInt64

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// The identity of a live process, nil when there is none with this PID.
    public static func of(_ pid: Int32) -> ProcessIdentity? {
        guard pid > 0, let text = try? readStat(pid), let started = startTime(inStat: text) else { return nil }
        return ProcessIdentity(pid: pid, startTime: started)
    }

    /// The start time in a /proc/PID/stat line. The command name (field 2) is in
    /// parentheses and may itself hold spaces and ')', so fields are counted after the
    /// last ')': the state is field 3, the start time field 22.
    public static func startTime(inStat line: [UInt8]) -> UInt64? {
        guard let close = line.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = line[(close + 1)...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self).trimmingNewline)
    }

    /// Whether `pid` names a process that has exited and waits to be reaped (state Z, or
    /// X while it is being reaped: proc(5)). Such a process answers kill(pid, 0) and keeps
    /// its PID, but holds no file, lock or namespace any more; its reaper may be slow (a
    /// daemon is reparented to PID 1, or to a subreaper, and reaped when that gets to it).
    public static func hasExited(_ pid: Int32) -> Bool {
        guard let line = try? readStat(pid), let close = line.lastIndex(of: UInt8(ascii: ")")) else { return false }
        let state = line[(close + 1)...].first { $0 != UInt8(ascii: " ") }
        return state == UInt8(ascii: "Z") || state == UInt8(ascii: "X")
    }

    /// A pidfd (pidfd_open(2)) on this very process. The start time is read after the
    /// pidfd is open: if the process had exited and its PID been reused before, the
    /// times differ; if it exits after, the pidfd still names it (and setns through it
    /// fails with ESRCH), so the pidfd can never name another process.
    public func pin() throws(PodError) -> FileDescriptor {
        // pidfd_open(2) sets close-on-exec itself.
        let raw = podshim_pidfd_open(pid, 0)
        guard raw >= 0 else {
            let code = errno
            if code == ESRCH { throw PodError(.notFound, "process \(pid) has exited") }
            throw PodError.system("pidfd_open", errno: code, path: "pid \(pid)")
        }
        let pidfd = FileDescriptor(raw: raw, path: "pidfd of \(pid)")
        guard let now = Self.of(pid) else { throw PodError(.notFound, "process \(pid) has exited") }
        guard now.startTime == startTime else {
            throw PodError(.notFound, "process \(pid) has exited, and its PID now belongs to another process (started at tick \(now.startTime), not \(startTime))")
        }
        return pidfd
    }

    /// /proc/PID/stat is one line of at most a few hundred bytes; 4 KiB bounds the read.
    private static func readStat(_ pid: Int32) throws(PodError) -> [UInt8] {
        let file = try FileDescriptor.open("/proc/\(pid)/stat", O_RDONLY)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = try syscallSize("read", path: file.path) { buffer.withUnsafeMutableBytes { read(file.raw, $0.baseAddress, $0.count) } }
        return Array(buffer[0..<count])
    }
}

private extension String {
    var trimmingNewline: Substring { self.prefix { $0 != "\n" } }
}
