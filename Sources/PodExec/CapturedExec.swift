import Glibc
import PodCore
import PodLaunch
import PodOS

/// An exec whose output is captured rather than passed on: CRI ExecSync (the kubelet's
/// exec probes). containerd's rule on a timeout (pkg/cri/server/container_execsync.go):
/// the exec'd process is killed with SIGKILL, reaped, and the call fails; its output is
/// dropped. Output past `limit` bytes per stream is read and discarded, so a chatty
/// command never blocks on a full pipe.
public struct CapturedExec {
    public struct Outcome: Sendable {
        public var stdout: [UInt8] = []
        public var stderr: [UInt8] = []
        public var exitCode: Int32 = 0
        public var timedOut = false
    }

    let plan: ExecPlan
    let target: FileDescriptor

    public init(plan: ExecPlan, target: FileDescriptor) {
        self.plan = plan
        self.target = target
    }

    /// `timeout`: seconds, nil for none.
    public func run(_ command: [String], timeout: Double?, limit: Int) throws(PodError) -> Outcome {
        var launch = plan.launch
        launch.process.argv = command
        launch.process.tty = false
        launch.targetPinned = true
        let deadline = timeout.map { monotonicSeconds() + $0 }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(null) }
        let output = try makePipe()
        let errors: (read: Int32, write: Int32)
        do { errors = try makePipe() } catch { close(output.read); close(output.write); throw error }
        defer { close(output.read); close(errors.read) }
        let running: HelperLauncher.Running
        do {
            running = try withExtendedLifetime(target) { () throws(PodError) in
                try HelperLauncher(helperPath: plan.helperPath).start(.exec(launch), stdio: .init(input: null, output: output.write, error: errors.write), target: target.raw)
            }
        } catch {
            close(output.write); close(errors.write)
            throw error
        }
        close(output.write)
        close(errors.write)
        let (reports, _) = running.finish(reap: false)
        var outcome = Outcome()
        let commandPID = reports.compactMap { report -> Int32? in if case let .started(pid) = report { return pid } else { return nil } }.first
        outcome.timedOut = !Self.drain([output.read, errors.read], into: &outcome, limit: limit, deadline: deadline)
        if outcome.timedOut {
            // The command only: the helper, its parent, reaps it and then exits, so the
            // call returns with the process gone (critest's execSync-with-timeout spec
            // runs `pgrep sleep` at once). Killing the helper too would leave the
            // command's zombie for the pod's init to reap some time later.
            if let commandPID { kill(commandPID, SIGKILL) } else { kill(running.pid, SIGKILL) }
        }
        let code = HelperLauncher.waitFor(running.pid)
        outcome.exitCode = code
        for case let .failed(failure) in reports {
            outcome.stderr += Array("\(failure.message)\n".utf8)
            outcome.exitCode = failure.kind == .notFound ? 127 : failure.kind == .notExecutable ? 126 : code
        }
        return outcome
    }

    /// Reads both pipes to end of file; false when the deadline came first.
    static func drain(_ fds: [Int32], into outcome: inout Outcome, limit: Int, deadline: Double?) -> Bool {
        var open = fds
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let wait = deadline.map { Int32(max(0, min(1000, ($0 - monotonicSeconds()) * 1000)).rounded(.up)) } ?? 1000
            if let deadline, monotonicSeconds() >= deadline { return false }
            let ready = poll(&polled, nfds_t(polled.count), wait)
            if ready < 0 && errno != EINTR { return true }
            for entry in polled where entry.revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if entry.fd == fds[0] {
                        outcome.stdout += chunk[0..<min(count, max(0, limit - outcome.stdout.count))]
                    } else {
                        outcome.stderr += chunk[0..<min(count, max(0, limit - outcome.stderr.count))]
                    }
                } else if count == 0 || errno != EINTR && errno != EAGAIN {
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        return true
    }
}
