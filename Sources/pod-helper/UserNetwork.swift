import CPodShim
import Glibc
import PodLaunch

/// The holder of a non-root user's network (#18 item 4, D65, docs/rootless.md), as
/// Podman's "rootless netns": one user namespace, mapped by newuidmap/newgidmap from the
/// user's subordinate ranges, and one network namespace owned by it, shared by all the
/// user's pods. The pods' bridge lives there (pod-network runs inside through
/// `in-user-network`), and pasta gives it outbound connectivity through the host's
/// sockets. `pod-helper user-network LOCK PIDFILE PASTA --uidmap ARGV… --gidmap ARGV…`:
///
/// - takes LOCK (flock) for its life: the kernel's lock table names the one holder;
/// - forks the namespace holder (the handshake of Rootless.swift), which unshares the
///   user namespace, is mapped, unshares the network namespace, brings `lo` up and waits;
/// - runs pasta on it in the foreground (its own child, so it dies with the holder:
///   PR_SET_PDEATHSIG) and waits for pasta's PID file, written once the namespace is
///   configured;
/// - reports `started(pid: NAMESPACE HOLDER)` on descriptor 4 and closes it;
/// - on SIGTERM, or when the namespace holder or pasta ends, ends both and exits.
func runUserNetwork(_ arguments: [String]) -> Never {
    guard let arguments = UserNetworkArguments(arguments) else {
        fail(.plan, "parse", EINVAL, "", "usage: pod-helper user-network LOCK PIDFILE PASTA --uidmap ARGV… --gidmap ARGV…")
    }
    let lock = takeLock(arguments.lock)
    var signals = sigset_t()
    sigemptyset(&signals)
    for signal in [SIGTERM, SIGINT, SIGCHLD] { sigaddset(&signals, signal) }
    sigprocmask(SIG_BLOCK, &signals, nil)
    let holder = forkNamespaceHolder(arguments, lock: lock)
    let pasta = startPasta(arguments, holder: holder)
    // The lock file names the namespace holder for the next podctl (the kernel's lock
    // table names this process, its parent).
    let line = Array("\(holder)\n".utf8)
    if ftruncate(lock, 0) != 0 || line.withUnsafeBytes({ pwrite(lock, $0.baseAddress, $0.count, 0) }) != line.count {
        failHolder(holder, "cannot write the holder's PID to \(arguments.lock): \(String(cString: strerror(errno)))")
    }
    report(.started(pid: holder))
    close(HelperDescriptors.report)
    // Until told to stop, or until one of the two ends (then the network is broken).
    var signal: Int32 = 0
    repeat { sigwait(&signals, &signal) } while signal == SIGCHLD && alive(holder) && alive(pasta)
    kill(pasta, SIGTERM)
    kill(holder, SIGKILL)
    reapAll()
    unlink(arguments.pidFile)
    exit(signal == SIGCHLD ? 1 : 0)
}

struct UserNetworkArguments {
    var lock: String
    var pidFile: String
    var pasta: String
    var uidMapper: [String]
    var gidMapper: [String]

    init?(_ arguments: [String]) {
        guard arguments.count > 5, let uid = arguments.firstIndex(of: "--uidmap"), let gid = arguments.firstIndex(of: "--gidmap"),
              uid == 3, gid > uid + 1, gid + 1 < arguments.count else { return nil }
        lock = arguments[0]
        pidFile = arguments[1]
        pasta = arguments[2]
        uidMapper = Array(arguments[(uid + 1)..<gid])
        gidMapper = Array(arguments[(gid + 1)...])
    }
}

private func takeLock(_ path: String) -> Int32 {
    let fd = check(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600), "open", path, "cannot open the user network's lock")
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
        fail(.setup, "flock", errno, path, "another holder of this user's network runs (it holds \(path))")
    }
    // Kept open (close-on-exec) for the process's life.
    return fd
}

/// The child that owns the namespaces: mapped from outside, then root of its user
/// namespace, where it makes the network namespace, so the user namespace owns it.
private func forkNamespaceHolder(_ arguments: UserNetworkArguments, lock: Int32) -> pid_t {
    var made: [Int32] = [-1, -1], mapped: [Int32] = [-1, -1], ready: [Int32] = [-1, -1]
    for index in 0..<3 {
        let result = index == 0 ? podshim_pipe_cloexec(&made) : index == 1 ? podshim_pipe_cloexec(&mapped) : podshim_pipe_cloexec(&ready)
        check(result, "pipe2", "", "cannot make a pipe")
    }
    let parent = getpid()
    let child = fork()
    if child < 0 { check(-1, "fork", "", "cannot start the user network's holder") }
    if child == 0 {
        _ = podshim_set_parent_death_signal(SIGKILL)
        if getppid() != parent { _exit(1) }
        close(made[0]); close(mapped[1]); close(ready[0])
        // Only the parent holds the lock: when it ends, the lock goes with it.
        close(lock)
        unshareNamespaces(Namespace.user, "user network's user")
        signalPipe(made[1])
        guard waitPipe(mapped[0]) else { _exit(1) }
        setSupplementaryGroups([], primary: 0)
        check(setgid(0), "setgid", "", "cannot become root of the user network's user namespace")
        check(setuid(0), "setuid", "", "cannot become root of the user network's user namespace")
        unshareNamespaces(Namespace.net, "user network's network")
        loopbackUp()
        signalPipe(ready[1])
        close(HelperDescriptors.report)
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        while true { pause() }
    }
    close(made[1]); close(mapped[0]); close(ready[1])
    guard waitPipe(made[0]) else { failHolder(child, "the user network's holder ended before its user namespace was made") }
    runMapper(RootlessMapping.command(arguments.uidMapper, pid: child), child: child)
    runMapper(RootlessMapping.command(arguments.gidMapper, pid: child), child: child)
    signalPipe(mapped[1])
    guard waitPipe(ready[0]) else { failHolder(child, "the user network's holder could not make its network namespace") }
    return child
}

/// pasta in the foreground, attached to the holder's namespaces from outside (it opens
/// /dev/net/tun inside them), with no port forwarded yet: the holder's only outbound path.
private func startPasta(_ arguments: UserNetworkArguments, holder: pid_t) -> pid_t {
    unlink(arguments.pidFile)
    let argv = [arguments.pasta, "--config-net", "--foreground", "--quiet", "-t", "none", "-u", "none", "-T", "none", "-U", "none",
                "--netns", "/proc/\(holder)/ns/net", "--userns", "/proc/\(holder)/ns/user", "--pid", arguments.pidFile]
    let parent = getpid()
    let pasta = fork()
    if pasta < 0 { failHolder(holder, "cannot start pasta: fork failed") }
    if pasta == 0 {
        _ = podshim_set_parent_death_signal(SIGKILL)
        if getppid() != parent { _exit(1) }
        close(HelperDescriptors.report)
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        // An ignored signal stays ignored across execve (signal(7)), and whoever started
        // podctl may ignore SIGPIPE (systemd does for every service, IgnoreSIGPIPE=yes):
        // Debian 12's pasta (2023) then fails with "Couldn't install signal handlers", as
        // it takes signal()'s previous disposition, SIG_IGN, for an error. pasta starts as
        // a fresh process would.
        for number in 1..<Int32(32) where number != SIGKILL && number != SIGSTOP { signal(number, SIG_DFL) }
        execv(arguments.pasta, cStringArray(argv))
        _exit(127)
    }
    // pasta writes its PID file once the namespace has its address and routes.
    for _ in 0..<1000 {
        var info = stat()
        if stat(arguments.pidFile, &info) == 0 && info.st_size > 0 { return pasta }
        var status: Int32 = 0
        if waitpid(pasta, &status, WNOHANG) == pasta {
            failHolder(holder, "pasta (\(arguments.pasta)) exited with \(podshim_exit_code(status)) before the user network was up; its message is in the user network's log")
        }
        usleep(10_000)
    }
    kill(pasta, SIGKILL)
    failHolder(holder, "pasta (\(arguments.pasta)) did not configure the user network within 10 s")
}

private func failHolder(_ holder: pid_t, _ message: String) -> Never {
    kill(holder, SIGKILL)
    reapAll()
    fail(.setup, "pasta", 0, "", message)
}

private func alive(_ pid: pid_t) -> Bool {
    var status: Int32 = 0
    return waitpid(pid, &status, WNOHANG) == 0
}

private func reapAll() {
    var status: Int32 = 0
    while waitpid(-1, &status, 0) > 0 || errno == EINTR {}
}

/// `pod-helper in-user-network PID PROGRAM`: joins the user and network namespaces of
/// the user network's holder PID, then runs PROGRAM (pod-network, pod-dns) there with
/// the same descriptors. A multi-threaded process cannot join a user namespace
/// (setns(2)), and these link Foundation: this single-threaded helper does it for them.
func runInUserNetwork(_ arguments: [String]) -> Never {
    guard arguments.count >= 2, let holder = Int32(arguments[0]), holder > 0 else {
        fail(.plan, "parse", EINVAL, "", "usage: pod-helper in-user-network PID PROGRAM [ARGUMENT…]")
    }
    join("user", of: holder, flag: Namespace.user)
    join("net", of: holder, flag: Namespace.net)
    execv(arguments[1], cStringArray(Array(arguments[1...])))
    fail(.notFound, "execv", errno, arguments[1], "cannot run \(arguments[1]) in the user network: \(String(cString: strerror(errno)))")
}
