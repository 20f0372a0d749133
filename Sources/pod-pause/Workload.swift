/// The forked child of pod-init, turning itself into the workload.
enum Workload {
    /// Runs PROGRAM (argument `index`) with the arguments after it and the inherited
    /// environment. Never returns: on failure it reports and exits 126 or 127, as a
    /// shell does for a command it cannot execute or cannot find.
    static func exec(_ arguments: Arguments, from index: Int) -> Never {
        takeForeground()
        resetSignalState()
        let argv = arguments.vector + index
        guard let program = argv[0] else { exitNow(127) }
        _ = execv(program, argv)
        let number = errno
        var message = Message("pod-init: exec ")
        message.add(cString: program)
        message.add(": ")
        message.add(errorText: number)
        message.print()
        exitNow(number == Errno.accessDenied || number == Errno.execFormat ? 126 : 127)
    }

    /// Its own process group, so pod-init can signal the workload and its children as
    /// one; and the terminal's foreground group when stdin is one, so Ctrl-C and reads
    /// reach it. All signals are still blocked here, so tcsetpgrp(3) from what is still
    /// a background group cannot stop us with SIGTTOU.
    private static func takeForeground() {
        _ = setpgid(0, 0)
        if isatty(0) == 1 { _ = tcsetpgrp(0, getpid()) }
    }
}
