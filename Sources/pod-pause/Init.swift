/// pod-init: PID 1 of a container's own PID namespace, in front of the workload.
/// A workload that is PID 1 itself gets none of the default signal actions (a SIGTERM
/// it has no handler for is dropped, pid_namespaces(7)) and must reap orphans it never
/// asked for. pod-init does both jobs for it: it forwards every signal to the workload's
/// process group, reaps every child, and exits with the workload's status.
enum Init {
    /// The exit status when pod-init itself fails before the workload runs; 126 and 127
    /// keep their shell meaning (the convention of env(1), timeout(1) and chroot(8)).
    static let ownFailure: Int32 = 125

    struct Options {
        var programIndex = 1
        var forwardToGroup = true
    }

    static func run(_ arguments: Arguments) -> Int32 {
        if arguments.isEqual(1, to: "-v") { return printVersion("pod-init") }
        guard let options = parse(arguments) else {
            Message("usage: pod-init [--no-group] [--] PROGRAM [ARGS...]").print()
            return ownFailure
        }
        guard let signals = SignalFD.open() else {
            reportFailure("pod-init", "signalfd")
            return ownFailure
        }
        let pid = fork()
        if pid == 0 {
            Workload.exec(arguments, from: options.programIndex)
        }
        if pid < 0 {
            reportFailure("pod-init", "fork")
            return ownFailure
        }
        // The child does the same; whichever runs first wins, so no signal we forward
        // can find the workload still in our group (setpgid(2)). EACCES once it has
        // exec'd is expected and harmless.
        _ = setpgid(pid, pid)
        return supervise(pid, signals, options)
    }

    private static func parse(_ arguments: Arguments) -> Options? {
        var options = Options()
        if arguments.isEqual(options.programIndex, to: "--no-group") {
            options.forwardToGroup = false
            options.programIndex += 1
        }
        if arguments.isEqual(options.programIndex, to: "--") { options.programIndex += 1 }
        return options.programIndex < arguments.count ? options : nil
    }

    /// Until the workload exits: reap on SIGCHLD, forward everything else.
    private static func supervise(_ workload: Int32, _ signals: SignalFD, _ options: Options) -> Int32 {
        while true {
            switch signals.next() {
            case .signal(Signal.child):
                if let status = reap(workload) { return status.shellCode }
            case .signal(let number):
                forward(number, to: workload, group: options.forwardToGroup)
            case .timeout:
                break
            case .failed(let number):
                reportFailure("pod-init", "read signalfd", number)
                return ownFailure
            }
        }
    }

    /// Reaps every exited child; returns the workload's status if it was among them.
    /// Exiting then is enough for the rest: when a namespace's init exits, the kernel
    /// SIGKILLs every other process in it (pid_namespaces(7)).
    private static func reap(_ workload: Int32) -> WaitStatus? {
        var workloadStatus: WaitStatus?
        reapExitedChildren { pid, status in
            if pid == workload { workloadStatus = status }
        }
        return workloadStatus
    }

    /// To the workload's process group (kill(2) with -pgid), so its own children get
    /// Ctrl-C and SIGTERM as under a shell; to the pid alone if the group is gone.
    private static func forward(_ number: Int32, to workload: Int32, group: Bool) {
        if group && kill(-workload, number) == 0 { return }
        if kill(workload, number) != 0 && errno != Errno.noSuchProcess {
            reportFailure("pod-init", "kill")
        }
    }
}
