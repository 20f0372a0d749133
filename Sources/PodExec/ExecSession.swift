import CPodShim
import Glibc
import PodCore
import PodLaunch

/// Runs the exec helper with this process's standard streams (or a pty with -t), and
/// returns the command's exit code.
public struct ExecSession {
    let launcher: HelperLauncher
    let plan: LaunchPlan
    let interactive: Bool
    let tty: Bool
    /// A pidfd of the container's process when the plan says `targetPinned`.
    let target: Int32?

    public init(launcher: HelperLauncher, plan: LaunchPlan, interactive: Bool, tty: Bool, target: Int32? = nil) {
        self.launcher = launcher
        self.plan = plan
        self.interactive = interactive
        self.tty = tty
        self.target = target
    }

    public func run() throws(PodError) -> Int32 {
        if tty { return try runWithTerminal() }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(null) }
        let running = try launcher.start(plan, stdio: .init(input: interactive ? 0 : null, output: 1, error: 2), target: target)
        return try finish(running)
    }

    func finish(_ running: HelperLauncher.Running) throws(PodError) -> Int32 {
        let (reports, _) = running.finish(reap: false)
        let code = HelperLauncher.waitFor(running.pid)
        for case let .failed(failure) in reports {
            writeStandardError("error: \(failure.message)\n")
            return failure.kind == .notFound ? 127 : failure.kind == .notExecutable ? 126 : code
        }
        return code
    }

    /// -t: the helper makes a pty inside the container and sends its master here; this
    /// process copies between its own terminal (in raw mode) and the master, and passes
    /// window size changes on.
    private func runWithTerminal() throws(PodError) -> Int32 {
        var pair: [Int32] = [0, 0]
        guard podshim_socketpair(&pair) == 0 else { throw PodError.system("socketpair", errno: errno) }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let running: HelperLauncher.Running
        do {
            running = try launcher.start(plan, stdio: .init(input: null, output: 2, error: 2), terminalSocket: pair[1], target: target)
        } catch {
            close(pair[0]); close(pair[1])
            throw error
        }
        close(pair[1])
        let master = podshim_recv_fd(pair[0])
        close(pair[0])
        let (reports, _) = running.finish(reap: false)
        if master >= 0 {
            var size = winsize()
            if ioctl(0, UInt(TIOCGWINSZ), &size) == 0 { _ = ioctl(master, UInt(TIOCSWINSZ), &size) }
            let saved = TerminalMode.makeRaw(0)
            TerminalPump(master: master, interactive: interactive).run()
            TerminalMode.restore(0, saved)
            close(master)
        }
        let code = HelperLauncher.waitFor(running.pid)
        for case let .failed(failure) in reports {
            writeStandardError("error: \(failure.message)\n")
            return failure.kind == .notFound ? 127 : failure.kind == .notExecutable ? 126 : code
        }
        return code
    }
}

/// One write(2) of a whole line to descriptor 2 (Foundation-free: this module is linked
/// by the lean exec path).
func writeStandardError(_ line: String) {
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
