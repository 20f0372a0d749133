import CPodShim
import Glibc
import PodCore
import PodLaunch
import PodOS

/// An exec whose streams go to the caller's descriptors rather than its own stdio: the
/// CRI streaming server (Exec over SPDY or WebSocket) copies them to its client. The same
/// exec plan, pinned target and pod-helper as `podctl exec` (D59); with `tty` the helper
/// makes the pty inside the container and passes its master back, as for `exec -t`.
public final class StreamedExec {
    public let helper: pid_t
    /// The command's standard input (a pipe, or the pty master with a terminal),
    /// non-blocking; -1 when the caller gives none.
    public private(set) var input: Int32 = -1
    /// What the command writes: stdout and stderr pipes, or the pty master alone.
    public private(set) var outputs: [(fd: Int32, stderr: Bool)] = []
    /// The pty master, for window size changes; nil without a terminal.
    public let terminal: Int32?
    let reports: [HelperReport]

    /// Starts `command` in the pinned container. Unwanted streams are /dev/null; the
    /// terminal's output is always handed over (a pty nobody reads blocks its writer).
    public init(plan: ExecPlan, target: FileDescriptor, command: [String], tty: Bool, stdin: Bool, stdout: Bool, stderr: Bool) throws(PodError) {
        var launch = plan.launch
        launch.process.argv = command
        launch.process.tty = tty
        launch.targetPinned = true
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        var theirs: [Int32] = []
        defer { for fd in theirs { close(fd) } }
        var ours: [Int32] = []
        func pipe(_ wanted: Bool, childReads: Bool) throws(PodError) -> Int32 {
            guard wanted else { return null }
            let ends = try makePipe()
            theirs.append(childReads ? ends.read : ends.write)
            ours.append(childReads ? ends.write : ends.read)
            return childReads ? ends.read : ends.write
        }
        let launcher = HelperLauncher(helperPath: plan.helperPath)
        do throws(PodError) {
            if tty {
                var pair: [Int32] = [0, 0]
                guard podshim_socketpair(&pair) == 0 else { throw PodError.system("socketpair", errno: errno) }
                theirs.append(pair[1])
                let running: HelperLauncher.Running
                do {
                    running = try withExtendedLifetime(target) { () throws(PodError) in
                        try launcher.start(.exec(launch), stdio: .init(input: null, output: null, error: null), terminalSocket: pair[1], target: target.raw)
                    }
                } catch {
                    close(pair[0])
                    throw error
                }
                close(pair[1]); theirs.removeLast()
                let master = podshim_recv_fd(pair[0])
                close(pair[0])
                helper = running.pid
                reports = running.finish(reap: false).reports
                terminal = master >= 0 ? master : nil
                if master >= 0 {
                    _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
                    outputs = [(master, false)]
                    if stdin { input = dup(master) }
                }
            } else {
                let stdio = HelperLauncher.Stdio(input: try pipe(stdin, childReads: true), output: try pipe(stdout, childReads: false), error: try pipe(stderr, childReads: false))
                let running = try withExtendedLifetime(target) { () throws(PodError) in
                    try launcher.start(.exec(launch), stdio: stdio, target: target.raw)
                }
                helper = running.pid
                reports = running.finish(reap: false).reports
                terminal = nil
                var next = 0
                if stdin { input = ours[next]; next += 1; _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK) }
                if stdout { outputs.append((ours[next], false)); next += 1 }
                if stderr { outputs.append((ours[next], true)) }
            }
        } catch {
            for fd in ours { close(fd) }
            throw error
        }
    }

    /// The command, as the helper reported it started (nil if it did not).
    public var commandPID: pid_t? {
        reports.lazy.compactMap { report -> pid_t? in if case let .started(pid) = report { pid } else { nil } }.first
    }

    /// Closes the command's input: its end of file (a pipe), or nothing more typed (a pty).
    public func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    /// One output is done (end of file, or EIO from a pty master whose slave closed).
    public func closeOutput(_ fd: Int32) {
        outputs.removeAll { $0.fd == fd }
        if fd != terminal { close(fd) }
    }

    /// The client went away: containerd kills the exec'd process when its stream ends
    /// (pkg/cri/server/container_execsync.go, execInternal's context).
    public func kill() {
        Glibc.kill(commandPID ?? helper, SIGKILL)
    }

    /// Sets the terminal's size (tty_ioctl(4) TIOCSWINSZ); the kernel signals the
    /// foreground group.
    public func resize(width: UInt16, height: UInt16) {
        guard let terminal else { return }
        var size = winsize(ws_row: height, ws_col: width, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(terminal, UInt(TIOCSWINSZ), &size)
    }

    /// Reaps the helper and returns the command's exit code (126 and 127 as a shell's
    /// when the helper could not run it), and what the helper said went wrong.
    public func wait() -> (code: Int32, failure: String?) {
        closeInput()
        for output in outputs { closeOutput(output.fd) }
        if let terminal { close(terminal) }
        let code = HelperLauncher.waitFor(helper)
        for case let .failed(failure) in reports {
            return (failure.kind == .notFound ? 127 : failure.kind == .notExecutable ? 126 : code, failure.message)
        }
        return (code, nil)
    }
}
