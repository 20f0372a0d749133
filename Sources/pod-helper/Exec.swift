import CPodShim
import Glibc
import PodLaunch

/// Runs a command inside a running container: joins all of its namespaces (the mount
/// namespace last: after it, /proc paths of the host are gone, and setns(2) moves the
/// root and working directory to the container's), forks so the child is in the
/// container's PID namespace, and waits for it, passing signals on. The helper's exit
/// code is the command's.
func runExec(_ plan: ExecLaunch) -> Never {
    let userNamespace = plan.targetPinned ? joinPinned(plan) : joinByPID(plan)
    let program = resolveProgram(plan.process)
    enterWorkingDirectory(plan.process.cwd)
    let terminal = plan.process.tty ? openTerminal() : nil
    blockForwardedSignals()
    let pid = fork()
    if pid < 0 { check(-1, "fork", "", "cannot start the command") }
    if pid == 0 {
        unblockSignals()
        if let terminal { attachTerminal(terminal.slavePath) }
        enterUserNamespace(userNamespace)
        dropPrivileges(plan.process)
        closeReportOnExec()
        let argv = cStringArray(plan.process.argv)
        execve(program, argv, cStringArray(plan.process.env))
        let code = errno
        fail(code == EACCES || code == ENOEXEC ? .notExecutable : .notFound, "execve", code, program, "cannot run \(program): \(String(cString: strerror(code)))")
    }
    if let terminal {
        check(podshim_send_fd(HelperDescriptors.terminal, terminal.master), "sendmsg", "", "cannot hand the terminal to podctl")
        close(terminal.master)
        close(HelperDescriptors.terminal)
    }
    report(.started(pid: pid))
    close(HelperDescriptors.report)
    exit(forwardSignals(until: pid))
}

/// Joins through the caller's pidfd (`HelperDescriptors.target`): one setns(2) for every
/// namespace at once, which the kernel does atomically for a pidfd (Linux 5.8), and
/// which fails with ESRCH if the pinned process has exited, never entering whatever
/// took its PID since. Returns the descriptor to enter the user namespace through later
/// (the same pidfd), or -1 without one.
private func joinPinned(_ plan: ExecLaunch) -> Int32 {
    let pidfd = HelperDescriptors.target
    // Never inherited by the command: the child still enters the user namespace through it.
    _ = fcntl(pidfd, F_SETFD, FD_CLOEXEC)
    // A non-root user's pod: its user namespace too, which the kernel enters first.
    var flags = (plan.joinsPodUserNamespace ? Namespace.user : 0) | Namespace.ipc | Namespace.uts | Namespace.net | Namespace.cgroup | Namespace.pid | Namespace.mount
    // A user's hostNetwork pod is in the host's network and UTS namespaces, as this helper
    // is (Rootless.swift, inSameNamespace); a PID reused since fails the setns (ESRCH).
    if plan.joinsPodUserNamespace {
        for (kind, flag) in [("net", Namespace.net), ("uts", Namespace.uts)] where inSameNamespace(kind, as: plan.targetPID) { flags &= ~flag }
    }
    check(podshim_setns(pidfd, flags), "setns", "pidfd of \(plan.targetPID)", "cannot join the namespaces of the container's process \(plan.targetPID) (has it exited?)")
    guard plan.idMap != nil else {
        close(pidfd)
        return -1
    }
    return pidfd
}

/// Joins by PID, one /proc/PID/ns file after another (exec probes and hooks: the
/// supervisor reaps the container's process itself, so its PID cannot be reused while
/// it asks).
private func joinByPID(_ plan: ExecLaunch) -> Int32 {
    let target = plan.targetPID
    // Opened before the mount namespace changes hide the host's /proc.
    let userNamespace = openUserNamespace(of: target, plan.idMap)
    if plan.joinsPodUserNamespace { join("user", of: target, flag: Namespace.user) }
    for (kind, flag) in [("ipc", Namespace.ipc), ("uts", Namespace.uts), ("net", Namespace.net), ("cgroup", Namespace.cgroup), ("pid", Namespace.pid), ("mnt", Namespace.mount)]
    where !(plan.joinsPodUserNamespace && (flag == Namespace.net || flag == Namespace.uts) && inSameNamespace(kind, as: target)) {
        join(kind, of: target, flag: flag)
    }
    return userNamespace
}

/// A pty made from the container's own /dev/ptmx, so the command sees a terminal its
/// devpts knows (ttyname works, as with runc's console socket).
func openTerminal() -> (master: Int32, slavePath: String) {
    var path = [CChar](repeating: 0, count: 128)
    let master = check(podshim_open_pty(&path, path.count), "posix_openpt", "/dev/ptmx", "cannot open a terminal in the container")
    return (master, String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
}

/// The command's session gets the pty as its controlling terminal and standard streams.
func attachTerminal(_ slavePath: String) {
    check(setsid(), "setsid", "")
    let slave = check(open(slavePath, O_RDWR), "open", slavePath, "cannot open the terminal")
    check(podshim_set_controlling_tty(slave), "ioctl(TIOCSCTTY)", slavePath, "cannot attach the terminal")
    for target in [Int32(0), 1, 2] { dup2(slave, target) }
    if slave > 2 { close(slave) }
}

private let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]

private func blockForwardedSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in forwarded + [SIGCHLD] { sigaddset(&set, signal) }
    sigprocmask(SIG_BLOCK, &set, nil)
}

private func unblockSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigprocmask(SIG_SETMASK, &set, nil)
}

/// Waits for the command, sending on every signal the helper gets; returns the exit code.
private func forwardSignals(until child: pid_t) -> Int32 {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in forwarded + [SIGCHLD] { sigaddset(&set, signal) }
    while true {
        var status: Int32 = 0
        let done = waitpid(child, &status, WNOHANG)
        if done == child { return podshim_exit_code(status) }
        if done < 0 && errno != EINTR { return 255 }
        var info = siginfo_t()
        let signal = sigwaitinfo(&set, &info)
        if signal > 0 && signal != SIGCHLD { kill(child, signal) }
    }
}
