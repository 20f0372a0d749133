import CPodShim
import Glibc
import PodCore
import PodExec
import PodLogs
import PodPlan

/// A container's standard input as the supervisor holds it (`stdin`, `stdinOnce`, `tty`
/// of the v1 Container), as the kubelet's runtime does: with `tty` the pty master (output
/// comes from it too, logged as stdout, as containerd logs a terminal); with `stdin` alone
/// the write end of a pipe that is the container's stdin; otherwise nothing (/dev/null).
struct ContainerConsole {
    /// The pty master (tty) or the stdin pipe's write end; -1 once closed or absent.
    var input: Int32 = -1
    var isTerminal = false
    /// tty: the supervisor's end of the socket the helper sends the master on, until then.
    var pendingTerminal: Int32 = -1
    /// stdinOnce and the first session with input ended: no more input for this instance.
    var inputClosed = false
}

extension Supervisor {
    /// The container's stdin for its helper, and the descriptors to close once it started.
    struct ConsoleStdio {
        var input: Int32
        var terminalSocket: Int32?
        var childEnds: [Int32]
    }

    /// Makes the container's stdin: a pipe for `stdin`, a terminal socket for `tty`,
    /// /dev/null otherwise (what a container gets from runc without stdin).
    func makeConsoleStdio(_ index: Int) throws(PodError) -> ConsoleStdio {
        let container = containers[index].plan
        containers[index].console = ContainerConsole(isTerminal: container.tty)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard null >= 0 else { throw PodError.system("open", errno: errno, path: "/dev/null") }
        if container.tty {
            var pair: [Int32] = [0, 0]
            guard podshim_socketpair(&pair) == 0 else { close(null); throw PodError.system("socketpair", errno: errno) }
            containers[index].console.pendingTerminal = pair[0]
            return ConsoleStdio(input: null, terminalSocket: pair[1], childEnds: [null, pair[1]])
        }
        guard container.stdin else { return ConsoleStdio(input: null, childEnds: [null]) }
        close(null)
        let pipe = try makePipe()
        containers[index].console.input = pipe.write
        return ConsoleStdio(input: pipe.read, childEnds: [pipe.read])
    }

    /// tty: takes the pty master the helper sent (it is queued by the time the helper's
    /// report ends: the container sends it before exec). Its output is the container's
    /// stdout; a second descriptor of it is the input attach sessions get.
    func adoptTerminal(_ index: Int) {
        let socket = containers[index].console.pendingTerminal
        guard socket >= 0 else { return }
        containers[index].console.pendingTerminal = -1
        defer { close(socket) }
        // Non-blocking: a helper that died before sending must not hang the supervisor.
        _ = fcntl(socket, F_SETFL, O_NONBLOCK)
        let master = podshim_recv_fd(socket)
        guard master >= 0 else { return }
        _ = fcntl(master, F_SETFL, O_NONBLOCK)
        // The helper's output pipes go unused: the container writes to the terminal.
        for fd in containers[index].pipes.values { close(fd) }
        containers[index].pipes = [.stdout: master]
        containers[index].console.input = fcntl(master, F_DUPFD_CLOEXEC, 3)
    }

    /// stdinOnce: the first session with input ended, so the container reads end-of-file.
    /// A pipe closes; a pty has no half-close, so the terminal's EOF character goes in
    /// (VEOF: termios(3); a canonical-mode reader then sees read(2) return 0).
    func closeStdin(_ index: Int) {
        guard !containers[index].console.inputClosed else { return }
        containers[index].console.inputClosed = true
        let fd = containers[index].console.input
        guard fd >= 0 else { return }
        if containers[index].console.isTerminal {
            var mode = termios()
            var eof: UInt8 = 4
            if tcgetattr(fd, &mode) == 0 { eof = withUnsafeBytes(of: mode.c_cc) { $0[Int(VEOF)] } }
            _ = write(fd, &eof, 1)
            return
        }
        close(fd)
        containers[index].console.input = -1
    }

    /// The instance is gone: its input closes and every attach session to it ends.
    func closeConsole(_ index: Int) {
        endAttachments(of: index)
        var console = containers[index].console
        if console.input >= 0 { close(console.input) }
        if console.pendingTerminal >= 0 { close(console.pendingTerminal) }
        console.input = -1
        console.pendingTerminal = -1
        containers[index].console = console
    }
}
