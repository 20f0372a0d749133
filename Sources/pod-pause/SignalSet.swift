/// glibc's sigset_t: 1024 bits, 128 bytes (<bits/types/__sigset_t.h>).
struct SignalSet {
    private var words = InlineArray<16, UInt64>(repeating: 0)

    /// Every signal glibc lets a program handle (sigfillset(3) leaves out the two
    /// it keeps for its threads).
    static var all: SignalSet {
        var set = SignalSet()
        set.withPointer { _ = sigfillset($0) }
        return set
    }

    mutating func withPointer<Result>(_ body: (UnsafeMutableRawPointer) -> Result) -> Result {
        withUnsafeMutablePointer(to: &words) { body(UnsafeMutableRawPointer($0)) }
    }
}

/// Blocks every signal; false (errno set) if it could not.
/// Blocked signals are not lost: they wait to be read from a signalfd. And a blocked
/// signal reaches even a PID 1 with no handler: the kernel drops a signal to a namespace
/// init with the default action only if it is not blocked (pid_namespaces(7), and
/// sig_ignored() in kernel/signal.c).
func blockAllSignals() -> Bool {
    var all = SignalSet.all
    return all.withPointer { sigprocmask(MaskHow.setMask, $0, nil) } == 0
}

/// Gives the workload the signal state of a fresh process: nothing blocked, every
/// catchable signal at its default action. Both the mask and ignored dispositions
/// survive execve(2), so whatever our caller had would otherwise leak into the
/// workload: a multi-threaded Swift parent often spawns with signals blocked and
/// SIGPIPE ignored. Errors are ignored: this runs right before exec.
func resetSignalState() {
    resetSignalDispositions()
    var none = SignalSet()
    _ = none.withPointer { sigprocmask(MaskHow.setMask, $0, nil) }
}

private func resetSignalDispositions() {
    for number in 1...Signal.last where isCatchable(number) {
        _ = signal(number, nil)
    }
}

private func isCatchable(_ number: Int32) -> Bool {
    number != Signal.kill && number != Signal.stop
        && !(Signal.glibcReservedFirst...Signal.glibcReservedLast).contains(number)
}
