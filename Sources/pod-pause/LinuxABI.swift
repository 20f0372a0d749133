// Linux constants that Embedded Swift cannot import: there is no Glibc module in
// Embedded mode, so each value is written by hand and cites the header it comes from.
// The values hold for the asm-generic ABI that x86_64 and aarch64 share.

#if !(arch(x86_64) || arch(arm64))
#error("Check the signal, errno and flag values in LinuxABI.swift for this architecture")
#endif

/// Signal numbers, <asm-generic/signal.h> (x86_64: <asm/signal.h>); see signal(7).
enum Signal {
    static let hangup: Int32 = 1      // SIGHUP
    static let interrupt: Int32 = 2   // SIGINT
    static let kill: Int32 = 9        // SIGKILL
    static let terminate: Int32 = 15  // SIGTERM
    static let child: Int32 = 17      // SIGCHLD
    static let stop: Int32 = 19       // SIGSTOP
    /// glibc keeps 32 and 33 for its threads (nptl); SIGRTMIN is 34. signal(7).
    static let glibcReservedFirst: Int32 = 32
    static let glibcReservedLast: Int32 = 33
    static let last: Int32 = 64       // SIGRTMAX = _NSIG - 1
}

/// `how` for sigprocmask(2), <asm-generic/signal-defs.h>.
enum MaskHow {
    static let setMask: Int32 = 2     // SIG_SETMASK
}

/// errno values, <asm-generic/errno-base.h>.
enum Errno {
    static let noSuchProcess: Int32 = 3   // ESRCH
    static let interrupted: Int32 = 4     // EINTR
    static let execFormat: Int32 = 8      // ENOEXEC
    static let noChild: Int32 = 10        // ECHILD
    static let tryAgain: Int32 = 11       // EAGAIN
    static let accessDenied: Int32 = 13   // EACCES
}

/// SFD_CLOEXEC, <sys/signalfd.h>: equal to O_CLOEXEC (02000000, <asm-generic/fcntl.h>).
let signalFDCloseOnExec: Int32 = 0o2000000

/// WNOHANG, <bits/waitflags.h>.
let waitNoHang: Int32 = 1

/// POLLIN, <asm-generic/poll.h>.
let pollIn: Int16 = 1

/// struct pollfd, <asm-generic/poll.h>: int fd; short events; short revents.
struct PollFD {
    var fd: Int32
    var events: Int16
    var returnedEvents: Int16 = 0
}

/// sizeof(struct signalfd_siginfo), <linux/signalfd.h>: 128 bytes, `uint32_t ssi_signo` first.
let signalFDInfoSize = 128
