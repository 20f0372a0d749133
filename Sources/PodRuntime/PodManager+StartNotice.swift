import Glibc
import PodCore
import PodSupervisor
import PodOS

/// A supervisor just started, with the read end of its start notice pipe
/// (Supervisor+Notice.swift).
struct StartedSupervisor {
    let pid: pid_t
    let notice: Int32
}

extension PodManager {
    /// The supervisor runs detached in its own session, so it outlives this command. Its
    /// descriptor 3 is the write end of the start notice pipe; this process keeps the read end.
    func spawnSupervisor(_ path: String, plan: String, log: String) throws(PodError) -> StartedSupervisor {
        let logFD = try syscall("open", path: log) { open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) }
        let null = try syscall("open", path: "/dev/null") { open("/dev/null", O_RDONLY | O_CLOEXEC) }
        defer { close(logFD); close(null) }
        let notice = try makePipe()
        defer { close(notice.write) }
        do {
            let pid = try spawnProcess(path, arguments: [plan], descriptors: [(null, 0), (logFD, 1), (logFD, 2), (notice.write, StartNotice.descriptor)], newSession: true)
            return StartedSupervisor(pid: pid, notice: notice.read)
        } catch {
            close(notice.read)
            throw error
        }
    }

    /// Returns once the supervisor has made the sandbox, or fails with what it reported.
    /// Waits on the notice pipe: the ready byte, or end-of-file when the supervisor exits
    /// (failed, or killed) before it sent one; the status then says why.
    func waitForSandbox(_ paths: PodPaths, supervisor: StartedSupervisor) throws(PodError) {
        defer { close(supervisor.notice) }
        var descriptor = pollfd(fd: supervisor.notice, events: Int16(POLLIN), revents: 0)
        let deadline = monotonicSeconds() + 30
        var ready: Int32 = 0
        repeat {
            let left = Int32(max(0, (deadline - monotonicSeconds()) * 1000).rounded(.up))
            ready = poll(&descriptor, 1, left)
        } while ready < 0 && errno == EINTR && monotonicSeconds() < deadline
        guard ready > 0 else {
            throw PodError(.system, "the pod sandbox did not start within 30 s (see \(paths.supervisorLog))")
        }
        var byte: UInt8 = 0
        let count = read(supervisor.notice, &byte, 1)
        let status = try? readStatus(paths)
        // A pod that completed (a Never container that failed at once) had its sandbox
        // and gave it back before the notice was read: that is a start, not a failure.
        if count == 1 && byte == StartNotice.ready { return }
        if let status, status.sandboxReady || status.completed == true { return }
        if let status, status.phase == "Failed" { throw Self.sandboxFailure(status, log: paths.supervisorLog) }
        let log = (try? Files.readText(paths.supervisorLog)) ?? ""
        let last = log.split(separator: "\n").last.map(String.init) ?? "nothing in \(paths.supervisorLog)"
        // An exiting process closes its descriptors a moment before it becomes a zombie.
        var raw: Int32 = 0
        let reaped = { waitpid(supervisor.pid, &raw, WNOHANG) == supervisor.pid }
        let until = monotonicSeconds() + 0.1
        var exited = reaped()
        while !exited && monotonicSeconds() < until {
            usleep(1_000)
            exited = reaped()
        }
        guard exited else {
            throw PodError(.system, "the pod supervisor (pid \(supervisor.pid)) closed its start notice before the pod started; its log says: \(last)")
        }
        throw PodError(.system, "the pod supervisor (pid \(supervisor.pid)) exited before the pod started: \(last)")
    }
}
