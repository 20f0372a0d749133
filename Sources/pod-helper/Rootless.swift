import CPodShim
import Glibc
import PodLaunch

/// The sandbox of a non-root user's pod (#18, docs/rootless.md). The helper has no
/// privilege outside, and only newuidmap/newgidmap (setuid root) may map the user's
/// subordinate IDs: they mapped the user network's user namespace once, when its holder
/// started (UserNetwork.swift, D65), and every pod of the user joins it, as rootless
/// Podman's containers join its pause process's. Root there, the helper makes the
/// mount, UTS, IPC, network and PID namespaces, which it then owns (so pod-network,
/// inside the same user namespace, can move the pod's veth into them), the pod's tmpfs
/// mounts and pause's root, and forks pause.
func startRootlessSandbox(_ plan: SandboxLaunch, _ mapping: RootlessMapping) -> Never {
    guard mapping.userNetworkPID > 0 else {
        fail(.plan, "setns", EINVAL, "", "a non-root user's sandbox needs the user network's holder (its PID is missing from the plan)")
    }
    join("user", of: mapping.userNetworkPID, flag: Namespace.user)
    setSupplementaryGroups([], primary: 0)
    check(setgid(0), "setgid", "", "cannot become root of the user network's user namespace")
    check(setuid(0), "setuid", "", "cannot become root of the user network's user namespace")
    // hostNetwork: the user's own network and UTS namespaces, the ones podctl runs in, as
    // rootless Podman's `--network host` (D69); the pod still has the user namespace.
    let own = plan.hostNetwork ? 0 : Namespace.net | Namespace.uts
    unshareNamespaces(own | Namespace.ipc | Namespace.mount | Namespace.pid, "pod's network, UTS, IPC, mount and PID")
    configureSandbox(plan)
    makePodMounts(plan)
    forkPause(plan, root: makePauseRoot())
}

/// Runs newuidmap or newgidmap (the helper is single-threaded: fork and exec are safe) and
/// fails with its exit code when it refuses; its own message went to standard error, the
/// user network's log.
func runMapper(_ argv: [String], child: pid_t) {
    guard let program = argv.first else { return }
    let mapper = fork()
    if mapper < 0 { check(-1, "fork", program, "cannot run \(program)") }
    if mapper == 0 {
        execv(program, cStringArray(argv))
        _exit(127)
    }
    var status: Int32 = 0
    while waitpid(mapper, &status, 0) < 0 && errno == EINTR {}
    let code = podshim_exit_code(status)
    if code != 0 {
        kill(child, SIGKILL)
        fail(.setup, program, 0, "/proc/\(child)", "\(program) could not map the user network's user namespace (exit code \(code)): check your lines in /etc/subuid and /etc/subgid (docs/rootless.md)")
    }
}

/// Joins the pause's user namespace first, then its network, UTS, IPC and mount
/// namespaces: as an unprivileged process the helper has CAP_SYS_ADMIN over them only
/// once it is in their owner (setns(2)).
func joinRootlessPod(_ podPID: Int32) {
    join("user", of: podPID, flag: Namespace.user)
    for (kind, flag) in [("net", Namespace.net), ("uts", Namespace.uts), ("ipc", Namespace.ipc), ("mnt", Namespace.mount)]
    where !inSameNamespace(kind, as: podPID) {
        join(kind, of: podPID, flag: flag)
    }
}

/// Whether this process is already in process `pid`'s namespace `kind` (same device and
/// inode of the /proc/PID/ns link, as `ip netns identify` compares). A hostNetwork pod
/// of a user shares the host's network and UTS namespaces, which the user's namespace
/// does not own: joining them again would need CAP_SYS_ADMIN over them (setns(2)), and
/// the helper is in them already.
func inSameNamespace(_ kind: String, as pid: Int32) -> Bool {
    var mine = stat(), theirs = stat()
    guard stat("/proc/self/ns/\(kind)", &mine) == 0, stat("/proc/\(pid)/ns/\(kind)", &theirs) == 0 else { return false }
    return mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino
}
