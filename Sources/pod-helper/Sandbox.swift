import CPodShim
import Glibc
import PodLaunch

/// Creates the pod sandbox: new network, UTS, IPC, mount and PID namespaces, the
/// hostname, `lo` up, the pod's sysctls, the pod-level tmpfs mounts (the shared
/// /dev/shm, memory emptyDirs) in the pod's own mount namespace, and pause as PID 1,
/// without capabilities.
func startSandbox(_ plan: SandboxLaunch) -> Never {
    if let mapping = plan.rootless { startRootlessSandbox(plan, mapping) }
    if let map = plan.idMap { startSandboxInUserNamespace(plan, map) }
    // hostNetwork pods share the host's network and, as with the CRI runtimes, its UTS namespace.
    // hostPID and hostIPC keep the host's PID and IPC namespaces: pause is then not PID 1
    // and containers join the host's IPC through it (pause handles not being PID 1).
    let own = (plan.hostNetwork ? 0 : Namespace.net | Namespace.uts) | (plan.hostIPC ? 0 : Namespace.ipc) | (plan.hostPID ? 0 : Namespace.pid)
    unshareNamespaces(own | Namespace.mount, "pod's network, UTS, IPC, mount and PID")
    configureSandbox(plan)
    makePodMounts(plan)
    forkPause(plan, root: makePauseRoot())
}

/// The hostname, `lo` and the sysctls of the pod's new namespaces.
func configureSandbox(_ plan: SandboxLaunch) {
    if !plan.hostNetwork {
        check(sethostname(plan.hostname, plan.hostname.utf8.count), "sethostname", plan.hostname)
        loopbackUp()
    }
    writeSysctls(plan.sysctls)
}

/// The pod-level tmpfs mounts, in the pod's own mount namespace.
func makePodMounts(_ plan: SandboxLaunch) {
    // Nothing mounted here may propagate back to the host (mount_namespaces(7)).
    check(mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil), "mount", "/", "cannot make the pod's mounts private")
    for spec in plan.mounts where spec.kind == .tmpfs {
        check(mount("tmpfs", spec.target, "tmpfs", UInt(MS_NOSUID | MS_NODEV), ownerOptions(plan.idMap, spec.options)), "mount", spec.target, "cannot mount a tmpfs for the pod")
    }
}

/// After unshare(CLONE_NEWPID) the first child is PID 1 of the new namespace.
func forkPause(_ plan: SandboxLaunch, root pauseRoot: Int32) -> Never {
    let pid = fork()
    if pid < 0 { check(-1, "fork", "", "cannot start the pod's pause") }
    if pid > 0 {
        report(.started(pid: pid))
        exit(0)
    }
    let binary = check(open(plan.pausePath, openPathOnly | O_CLOEXEC), "open", plan.pausePath, "cannot open pause")
    enterPauseRoot(pauseRoot)
    confinePause()
    closeReportOnExec()
    let argv = cStringArray([plan.pausePath])
    let env = cStringArray(["PATH=/usr/sbin:/usr/bin:/sbin:/bin"])
    _ = podshim_execveat_fd(binary, argv, env)
    fail(.notFound, "execveat", errno, plan.pausePath, "cannot run pause \(plan.pausePath): \(String(cString: strerror(errno)))")
}

/// Pause's root: an empty read-only tmpfs, attached nowhere (fsmount), made while the
/// helper is still root of the mount namespace's owner. With shareProcessNamespace pause
/// is PID 1 of the containers' PID namespace, and its /proc/1/root would otherwise be the
/// host's root, open to a container's root user (#14); the CRI runtimes give pause an
/// image of its own for the same reason. A container joining the pod's mount namespace
/// (setns) is still moved to the namespace's root, not to pause's.
func makePauseRoot() -> Int32 {
    let context = check(podshim_fsopen("tmpfs", UInt32(PODSHIM_FSOPEN_CLOEXEC)), "fsopen", "tmpfs", "cannot make pause's empty root")
    check(podshim_fsconfig(context, UInt32(PODSHIM_FSCONFIG_CMD_CREATE), nil, nil, 0), "fsconfig", "tmpfs", "cannot make pause's empty root")
    // MOUNT_ATTR_RDONLY (<linux/mount.h>).
    let empty = check(podshim_fsmount(context, UInt32(PODSHIM_FSMOUNT_CLOEXEC), 0x1), "fsmount", "tmpfs", "cannot make pause's empty root")
    close(context)
    return empty
}

private func enterPauseRoot(_ root: Int32) {
    check(fchdir(root), "fchdir", "tmpfs", "cannot enter pause's empty root")
    check(chroot("."), "chroot", "tmpfs", "cannot enter pause's empty root")
    check(chdir("/"), "chdir", "/")
    close(root)
}

/// The pod's namespaced sysctls: /proc/sys/net and the IPC ones show the namespaces of
/// the process that opens them, so after unshare these writes reach the pod's own.
private func writeSysctls(_ sysctls: [String]) {
    for item in sysctls {
        // Split on the first '=' byte: names (validated, /proc/sys paths) hold none; a
        // value may, and a combining mark after '=' must not hide it from a Character search.
        let bytes = Array(item.utf8)
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { continue }
        let name = String(decoding: bytes[..<equals], as: UTF8.self)
        let path = "/proc/sys/" + name
        let value = Array(bytes[(equals + 1)...]) + [UInt8(ascii: "\n")]
        let fd = check(open(path, O_WRONLY | O_CLOEXEC), "open", path, "cannot set sysctl \(name)")
        let written = value.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written != value.count { check(-1, "write", path, "cannot set sysctl \(item)") }
        close(fd)
    }
}
