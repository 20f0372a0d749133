import CPodShim
import Glibc
import PodCore
import PodLaunch

/// Runs `pod-helper` with a plan and reads its report. posix_spawn, not fork: the caller
/// may be multi-threaded (the CLI for exec), and nothing of Swift runs in the child.
public struct HelperLauncher: Sendable {
    public let helperPath: String

    public init(helperPath: String) {
        self.helperPath = helperPath
    }

    public struct Stdio: Sendable {
        public var input: Int32
        public var output: Int32
        public var error: Int32
        public init(input: Int32, output: Int32, error: Int32) {
            self.input = input
            self.output = output
            self.error = error
        }
    }

    /// Starts the helper and returns its pid once the plan is written; `finish` reads the report.
    public func start(_ plan: LaunchPlan, stdio: Stdio, terminalSocket: Int32? = nil) throws(PodError) -> Running {
        let planPipe = try makePipe()
        let reportPipe = try makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The sources are first copied above every target number, so one dup2 can never
        // overwrite the source of the next (a low-numbered pipe end would be clobbered);
        // dup2 onto the protocol numbers then clears close-on-exec on the copies only.
        var mapping: [(Int32, Int32)] = [(stdio.input, 0), (stdio.output, 1), (stdio.error, 2), (planPipe.read, HelperDescriptors.plan), (reportPipe.write, HelperDescriptors.report)]
        if let terminalSocket { mapping.append((terminalSocket, HelperDescriptors.terminal)) }
        let copies = mapping.map { fcntl($0.0, F_DUPFD_CLOEXEC, 16) }
        defer { copies.forEach { close($0) } }
        for (copy, target) in zip(copies, mapping.map(\.1)) {
            posix_spawn_file_actions_adddup2(&actions, copy, target)
        }
        podshim_spawn_close_from(&actions, (terminalSocket == nil ? HelperDescriptors.report : HelperDescriptors.terminal) + 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(helperPath), nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, helperPath, &actions, &attributes, argv, environ)
        close(planPipe.read)
        close(reportPipe.write)
        guard result == 0 else {
            close(planPipe.write)
            close(reportPipe.read)
            throw PodError.system("posix_spawn", errno: result, path: helperPath, "cannot run the namespace helper \(helperPath)")
        }
        let bytes = plan.encoded()
        _ = bytes.withUnsafeBytes { write(planPipe.write, $0.baseAddress, $0.count) }
        close(planPipe.write)
        return Running(pid: pid, report: reportPipe.read)
    }

    public struct Running: Sendable {
        public let pid: pid_t
        let report: Int32

        /// Reads the report to end-of-file and reaps the helper, unless `reap` is false (for
        /// exec, whose helper lives as long as the command).
        public func finish(reap: Bool = true) -> (reports: [HelperReport], exitCode: Int32?) {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(report, $0.baseAddress, $0.count) }
                if count > 0 { bytes += chunk[0..<count]; continue }
                if count < 0 && errno == EINTR { continue }
                break
            }
            close(report)
            guard reap else { return (HelperReport.parseAll(bytes), nil) }
            return (HelperReport.parseAll(bytes), waitFor(pid))
        }
    }

    static func waitFor(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return podshim_exit_code(status)
    }
}

/// A close-on-exec pipe.
func makePipe() throws(PodError) -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard podshim_pipe_cloexec(&fds) == 0 else { throw PodError.system("pipe2", errno: errno) }
    return (fds[0], fds[1])
}
