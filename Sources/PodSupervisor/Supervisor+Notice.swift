import Glibc

/// The start notice: `podctl apply` learns that the sandbox is up from a pipe, not by
/// reading status.json every 2 ms (docs/runtime.md, "Start notice"). apply passes the
/// write end as descriptor 3; the supervisor writes one byte once the status that shows
/// the sandbox ready is written, and closes it. A supervisor that fails or dies before
/// closes it by exiting, which apply reads as end-of-file and then reads the status for
/// why. s6's readiness notification works the same way (a descriptor number agreed
/// beforehand, a newline written when ready); systemd's sd_notify uses a socket.
/// Standard library and Glibc only, as the supervisor is to become.
public enum StartNotice {
    /// The descriptor apply passes; absent (closed) when restore or reload start the
    /// supervisor, which nobody waits on.
    public static let descriptor: Int32 = 3
    /// Sent when the sandbox is up.
    public static let ready: UInt8 = UInt8(ascii: "R")

    /// Descriptor 3 when it is the notice pipe, taken at start before anything opens a
    /// descriptor there, and made close-on-exec so no helper inherits it; else -1.
    public static func take() -> Int32 {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO else { return -1 }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return descriptor
    }

    /// Writes the ready byte and closes the pipe; apply may be gone (EPIPE, SIGPIPE is
    /// ignored by the supervisor), which changes nothing.
    public static func send(_ fd: inout Int32) {
        guard fd >= 0 else { return }
        var byte = ready
        while write(fd, &byte, 1) < 0 && errno == EINTR {}
        close(fd)
        fd = -1
    }
}
