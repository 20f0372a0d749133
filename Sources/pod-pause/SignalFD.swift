/// The signals of this process, read as data from a signalfd(2) instead of delivered to
/// handlers: the whole program is one loop over `next`, with no async-signal-safety rules.
struct SignalFD {
    enum Event {
        case signal(Int32)
        case timeout
        case failed(errno: Int32)
    }

    let fd: Int32

    /// Blocks every signal and opens a signalfd for all of them; nil with errno set.
    /// SIGCHLD is set back to its default action first: if it were ignored (inherited
    /// from whoever exec'd us), the kernel would reap children itself and waitpid(2)
    /// would never report an exit status (see NOTES in waitpid(2)).
    static func open() -> SignalFD? {
        _ = signal(Signal.child, nil)
        guard blockAllSignals() else { return nil }
        var all = SignalSet.all
        // Close-on-exec: the workload init starts must not inherit it.
        let fd = all.withPointer { signalfd(-1, $0, signalFDCloseOnExec) }
        return fd < 0 ? nil : SignalFD(fd: fd)
    }

    /// The next signal, waiting at most `timeoutMS` milliseconds (-1: forever).
    /// EINTR and EAGAIN are retried; anything else is returned as `.failed`.
    func next(timeoutMS: Int32 = -1) -> Event {
        if timeoutMS >= 0, let event = waitReadable(timeoutMS) { return event }
        var info = InlineArray<32, UInt32>(repeating: 0)  // struct signalfd_siginfo
        while true {
            let count = withUnsafeMutablePointer(to: &info) { read(fd, $0, signalFDInfoSize) }
            if count == signalFDInfoSize { return .signal(Int32(bitPattern: info[0])) }  // ssi_signo
            if count >= 0 { return .failed(errno: 0) }  // a short read: cannot happen (signalfd(2))
            let number = errno
            if number != Errno.interrupted && number != Errno.tryAgain { return .failed(errno: number) }
        }
    }

    /// nil once the descriptor is readable; otherwise the event that ended the wait.
    private func waitReadable(_ timeoutMS: Int32) -> Event? {
        var entry = PollFD(fd: fd, events: pollIn)
        while true {
            let ready = withUnsafeMutablePointer(to: &entry) { poll($0, 1, timeoutMS) }
            if ready > 0 { return nil }
            if ready == 0 { return .timeout }
            if errno != Errno.interrupted { return .failed(errno: errno) }
        }
    }
}
