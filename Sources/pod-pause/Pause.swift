/// pod-pause: PID 1 of a pod's PID namespace. It holds the pod's namespaces open by
/// living, reaps whatever reaches it, and on SIGTERM or SIGINT stops the pod's processes.
enum Pause {
    /// While stopping, how often to look whether the namespace is empty. Processes that
    /// entered with setns(2) are not our children, so their exit sends us no SIGCHLD.
    static let drainPollMS: Int32 = 100

    static func run(_ arguments: Arguments) -> Int32 {
        if arguments.isEqual(1, to: "-v") { return printVersion("pod-pause") }
        guard arguments.count == 1 else {
            Message("usage: pod-pause [-v]").print()
            return 2
        }
        guard let signals = SignalFD.open() else {
            reportFailure("pod-pause", "signalfd")
            return 1
        }
        // Children inherited across exec (the shell that exec'd us) may have exited
        // already, and their SIGCHLD came before we blocked it.
        reapExitedChildren { _, _ in }
        return loop(signals)
    }

    private static func loop(_ signals: SignalFD) -> Int32 {
        var stopping = false
        while true {
            switch signals.next(timeoutMS: stopping ? drainPollMS : -1) {
            case .signal(Signal.child):
                reapExitedChildren { _, _ in }
            case .signal(let number) where number == Signal.terminate || number == Signal.interrupt:
                stopping = true
                forwardToNamespace(number)
            case .signal, .timeout:
                break  // SIGHUP, SIGPIPE, SIGUSR1/2 and the rest are ignored on purpose
            case .failed(let number):
                reportFailure("pod-pause", "read signalfd", number)
                return 1
            }
            if stopping && namespaceIsEmpty() { return 0 }
        }
    }

    /// kill(-1, sig) from PID 1 of a PID namespace signals every process in it (and in
    /// the namespaces nested in it) but itself (kill(2), pid_namespaces(7)). Outside
    /// that role it would signal every process of the host, so it is never sent then.
    private static func forwardToNamespace(_ number: Int32) {
        guard getpid() == 1 else { return }
        if kill(-1, number) != 0 && errno != Errno.noSuchProcess {
            reportFailure("pod-pause", "kill(-1)")
        }
    }

    /// Whether no other process is left: kill(-1, 0) checks without sending anything and
    /// fails with ESRCH when it found no process at all (kill(2)). When not PID 1 (a pod
    /// in the host PID namespace), there is nothing of ours to wait for.
    private static func namespaceIsEmpty() -> Bool {
        guard getpid() == 1 else { return true }
        return kill(-1, 0) != 0 && errno == Errno.noSuchProcess
    }
}
