import Glibc

public enum TerminalMode {
    public static func makeRaw(_ fd: Int32) -> termios? {
        guard isatty(fd) == 1 else { return nil }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var raw = original
        cfmakeraw(&raw)
        tcsetattr(fd, TCSANOW, &raw)
        return original
    }

    public static func restore(_ fd: Int32, _ saved: termios?) {
        guard var saved else { return }
        tcsetattr(fd, TCSANOW, &saved)
    }
}

/// Copies the user's terminal to the pty master and back until the command's side closes;
/// SIGWINCH resizes the pty (the kernel then signals the command's foreground group).
public struct TerminalPump {
    let master: Int32
    let interactive: Bool

    public init(master: Int32, interactive: Bool) {
        self.master = master
        self.interactive = interactive
    }

    public func run() {
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)
        var inputOpen = interactive
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGWINCH)
        sigprocmask(SIG_BLOCK, &set, nil)
        while true {
            resizeIfPending(&set)
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0), pollfd(fd: inputOpen ? 0 : -1, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, 100) < 0 && errno != EINTR { return }
            if fds[0].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if count <= 0 { return }  // EIO once the command and its children closed the slave
                _ = buffer.withUnsafeBytes { write(1, $0.baseAddress, count) }
            }
            if inputOpen && fds[1].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if count <= 0 { inputOpen = false; continue }
                _ = buffer.withUnsafeBytes { write(master, $0.baseAddress, count) }
            }
        }
    }

    private func resizeIfPending(_ set: inout sigset_t) {
        Self.resizeIfPending(&set, master: master)
    }

    /// A pending SIGWINCH (blocked, so it waits in the pending set) copies this
    /// terminal's size to the pty: TIOCGWINSZ, TIOCSWINSZ (tty_ioctl(4)).
    public static func resizeIfPending(_ set: inout sigset_t, master: Int32) {
        var pending = sigset_t()
        sigpending(&pending)
        guard sigismember(&pending, SIGWINCH) == 1 else { return }
        var info = siginfo_t()
        var zero = timespec()
        _ = sigtimedwait(&set, &info, &zero)
        var size = winsize()
        if ioctl(0, UInt(TIOCGWINSZ), &size) == 0 { _ = ioctl(master, UInt(TIOCSWINSZ), &size) }
    }
}
