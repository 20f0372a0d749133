import Glibc
import PodLaunch

/// Creates the pod sandbox: new network, UTS, IPC, mount and PID namespaces, the
/// hostname, `lo` up, the pod's sysctls, the pod-level tmpfs mounts (the shared
/// /dev/shm, memory emptyDirs) in the pod's own mount namespace, and pause as PID 1,
/// without capabilities.
func startSandbox(_ plan: LaunchPlan) -> Never {
    if let map = plan.idMap { startSandboxInUserNamespace(plan, map) }
    // hostNetwork pods share the host's network and, as with the CRI runtimes, its UTS namespace.
    let own = plan.hostNetwork ? 0 : Namespace.net | Namespace.uts
    unshareNamespaces(own | Namespace.ipc | Namespace.mount | Namespace.pid, "pod's network, UTS, IPC, mount and PID")
    configureSandbox(plan)
    makePodMounts(plan)
    forkPause(plan)
}

/// The hostname, `lo` and the sysctls of the pod's new namespaces.
func configureSandbox(_ plan: LaunchPlan) {
    if !plan.hostNetwork {
        check(sethostname(plan.hostname, plan.hostname.utf8.count), "sethostname", plan.hostname)
        loopbackUp()
    }
    writeSysctls(plan.sysctls)
}

/// The pod-level tmpfs mounts, in the pod's own mount namespace.
func makePodMounts(_ plan: LaunchPlan) {
    // Nothing mounted here may propagate back to the host (mount_namespaces(7)).
    check(mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil), "mount", "/", "cannot make the pod's mounts private")
    for spec in plan.mounts where spec.kind == .tmpfs {
        check(mount("tmpfs", spec.target, "tmpfs", UInt(MS_NOSUID | MS_NODEV), ownerOptions(plan, spec.options)), "mount", spec.target, "cannot mount a tmpfs for the pod")
    }
}

/// After unshare(CLONE_NEWPID) the first child is PID 1 of the new namespace.
func forkPause(_ plan: LaunchPlan) -> Never {
    let pid = fork()
    if pid < 0 { check(-1, "fork", "", "cannot start the pod's pause") }
    if pid > 0 {
        report(.started(pid: pid))
        exit(0)
    }
    confinePause()
    closeReportOnExec()
    let argv = cStringArray([plan.initPath])
    let env = cStringArray(["PATH=/usr/sbin:/usr/bin:/sbin:/bin"])
    execve(plan.initPath, argv, env)
    fail(.notFound, "execve", errno, plan.initPath, "cannot run pause \(plan.initPath): \(String(cString: strerror(errno)))")
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
