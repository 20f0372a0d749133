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
    /// `target`: exec's pidfd of the container's process (`HelperDescriptors.target`);
    /// `startGate`: the read end the container waits on before its exec (`HelperDescriptors.startGate`).
    public func start(_ plan: LaunchPlan, stdio: Stdio, terminalSocket: Int32? = nil, target: Int32? = nil, startGate: Int32? = nil) throws(PodError) -> Running {
        let planPipe = try makePipe()
        let reportPipe = try makePipe()
        var descriptors: [(source: Int32, target: Int32)] = [
            (stdio.input, 0), (stdio.output, 1), (stdio.error, 2),
            (planPipe.read, HelperDescriptors.plan), (reportPipe.write, HelperDescriptors.report),
        ]
        if let terminalSocket { descriptors.append((terminalSocket, HelperDescriptors.terminal)) }
        if let target { descriptors.append((target, HelperDescriptors.target)) }
        if let startGate { descriptors.append((startGate, HelperDescriptors.startGate)) }
        let pid: pid_t
        do {
            pid = try spawnProcess(helperPath, arguments: [], descriptors: descriptors)
        } catch {
            close(planPipe.read); close(planPipe.write); close(reportPipe.read); close(reportPipe.write)
            throw PodError(error.code, "cannot run the namespace helper \(helperPath)", cause: .error(error))
        }
        close(planPipe.read)
        close(reportPipe.write)
        let bytes = plan.encoded()
        _ = bytes.withUnsafeBytes { write(planPipe.write, $0.baseAddress, $0.count) }
        close(planPipe.write)
        return Running(pid: pid, report: reportPipe.read)
    }

    public struct Running: Sendable {
        public let pid: pid_t
        public let report: Int32

        /// Reads the report to end-of-file and reaps the helper, unless `reap` is false (for
        /// exec, whose helper lives as long as the command).
        public func finish(reap: Bool = true) -> (reports: [HelperReport], exitCode: Int32?) {
            let bytes = readToEnd(report, limit: Int.max)
            close(report)
            guard reap else { return (HelperReport.parseAll(bytes), nil) }
            return (HelperReport.parseAll(bytes), waitFor(pid))
        }
    }

    public static func waitFor(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return podshim_exit_code(status)
    }
}

/// A close-on-exec pipe.
public func makePipe() throws(PodError) -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    guard podshim_pipe_cloexec(&fds) == 0 else { throw PodError.system("pipe2", errno: errno) }
    return (fds[0], fds[1])
}

/// Reads `fd` to end of file, at most `limit` bytes (the rest is left unread).
public func readToEnd(_ fd: Int32, limit: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < limit {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 { bytes += chunk[0..<count]; continue }
        if count < 0 && errno == EINTR { continue }
        break
    }
    return bytes
}
