import CPodShim
import Glibc
import PodLaunch

/// The sandbox of a non-root user's pod (#18, docs/rootless.md). Unlike root's
/// `hostUsers: false` (UserNamespace.swift), the helper has no privilege outside: every
/// other namespace must be made *inside* the new user namespace, which then owns them,
/// and only newuidmap/newgidmap (setuid root) may write a map with the user's subordinate
/// IDs. So, as runc, crun and Podman do: a child unshares the user namespace and waits on
/// a pipe; the helper runs newuidmap and newgidmap on the child's PID; the child then
/// becomes root of the namespace, makes the mount, UTS, IPC, network and PID namespaces,
/// the pod's tmpfs mounts and pause's root, and forks pause.
func startRootlessSandbox(_ plan: SandboxLaunch, _ mapping: RootlessMapping) -> Never {
    forkMappedChild(unsharing: Namespace.user, "pod's user", map: { child in
        runMapper(RootlessMapping.command(mapping.uidMapper, pid: child), child: child)
        runMapper(RootlessMapping.command(mapping.gidMapper, pid: child), child: child)
    }, then: {
        // Made now, they belong to the pod's user namespace, where the helper is root.
        unshareNamespaces(Namespace.net | Namespace.uts | Namespace.ipc | Namespace.mount | Namespace.pid, "pod's network, UTS, IPC, mount and PID")
        configureSandbox(plan)
        makePodMounts(plan)
        forkPause(plan, root: makePauseRoot())
    })
}

/// Runs newuidmap or newgidmap (the helper is single-threaded: fork and exec are safe) and
/// fails with its exit code when it refuses; its own message went to standard error, the
/// supervisor's log.
private func runMapper(_ argv: [String], child: pid_t) {
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
        fail(.setup, program, 0, "/proc/\(child)", "\(program) could not map the pod's user namespace (exit code \(code)): check your lines in /etc/subuid and /etc/subgid (docs/rootless.md)")
    }
}

/// Joins the pause's user namespace first, then its network, UTS, IPC and mount
/// namespaces: as an unprivileged process the helper has CAP_SYS_ADMIN over them only
/// once it is in their owner (setns(2)).
func joinRootlessPod(_ podPID: Int32) {
    join("user", of: podPID, flag: Namespace.user)
    for (kind, flag) in [("net", Namespace.net), ("uts", Namespace.uts), ("ipc", Namespace.ipc), ("mnt", Namespace.mount)] {
        join(kind, of: podPID, flag: flag)
    }
}
