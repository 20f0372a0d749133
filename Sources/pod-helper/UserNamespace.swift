import CPodShim
import Glibc
import PodLaunch

/// The sandbox of a pod with `hostUsers: false`. The helper (host root) makes the pod's
/// mount namespace and its tmpfs mounts itself, so podctl's 0700 state directories stay
/// reachable; then a child unshares the user namespace together with the network, UTS,
/// IPC and PID namespaces (the kernel creates the user namespace first and makes it their
/// owner: unshare(2)). Only a process of the parent user namespace may write a map with
/// other IDs than its own (user_namespaces(7)), so the helper writes the child's
/// uid_map and gid_map while the child waits on a pipe. The child then becomes root of
/// the pod's namespace, sets the hostname, lo and sysctls, and forks pause.
func startSandboxInUserNamespace(_ plan: SandboxLaunch, _ map: IDMap) -> Never {
    unshareNamespaces(Namespace.mount, "pod's mount")
    makePodMounts(plan)
    // Made as host root: in the pod's user namespace the mount namespace is not its own.
    let pauseRoot = makePauseRoot()
    let flags = Namespace.user | Namespace.net | Namespace.uts | Namespace.ipc | Namespace.pid
    forkMappedChild(unsharing: flags, "pod's user, network, UTS, IPC and PID", map: { child in
        writeIDMap("/proc/\(child)/uid_map", map.uidMapLine, child: child)
        writeIDMap("/proc/\(child)/gid_map", map.gidMapLine, child: child)
    }, then: {
        configureSandbox(plan)
        forkPause(plan, root: pauseRoot)
    })
}

/// The handshake of every runtime that makes a user namespace (runc's nsexec, crun,
/// Podman): a child unshares `flags` (the user namespace among them) and waits on a pipe
/// while the helper, still outside, writes its maps (`map`); the child then becomes root
/// of the namespace and goes on with `then`. The helper waits for the child and exits
/// with its code.
func forkMappedChild(unsharing flags: Int32, _ what: String, map: (pid_t) -> Void, then body: () -> Never) -> Never {
    var ready: [Int32] = [-1, -1], proceed: [Int32] = [-1, -1]
    check(podshim_pipe_cloexec(&ready), "pipe2", "", "cannot make a pipe")
    check(podshim_pipe_cloexec(&proceed), "pipe2", "", "cannot make a pipe")
    let child = fork()
    if child < 0 { check(-1, "fork", "", "cannot start the pod's user namespace") }
    if child == 0 {
        close(ready[0])
        close(proceed[1])
        unshareNamespaces(flags, what)
        signalPipe(ready[1])
        guard waitPipe(proceed[0]) else { fail(.setup, "read", 0, "", "the helper did not map the pod's user namespace") }
        // Root's helper writes no "deny" to /proc/PID/setgroups; newgidmap does for a user
        // without /etc/subgid ranges, and then the groups stay (setSupplementaryGroups).
        setSupplementaryGroups([], primary: 0)
        check(setgid(0), "setgid", "", "cannot become root of the pod's user namespace")
        check(setuid(0), "setuid", "", "cannot become root of the pod's user namespace")
        body()
    }
    close(ready[1])
    close(proceed[0])
    // No byte: the child failed before it was ready, and said why on the report.
    if waitPipe(ready[0]) {
        map(child)
        signalPipe(proceed[1])
    }
    close(proceed[1])
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    exit(podshim_exit_code(status))
}

private func writeIDMap(_ path: String, _ line: String, child: pid_t) {
    let fd = open(path, O_WRONLY | O_CLOEXEC)
    let bytes = Array(line.utf8)
    let written = fd < 0 ? -1 : bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    let code = errno
    if fd >= 0 { close(fd) }
    if written != bytes.count {
        kill(child, SIGKILL)
        fail(.setup, "write", code, path, "cannot map the pod's user namespace (\(line.dropLast())): \(String(cString: strerror(code))); the host IDs must be free for podctl (docs/security.md)")
    }
}

func signalPipe(_ fd: Int32) {
    var byte: UInt8 = 1
    _ = write(fd, &byte, 1)
    close(fd)
}

func waitPipe(_ fd: Int32) -> Bool {
    var byte: UInt8 = 0
    var count = 0
    repeat { count = read(fd, &byte, 1) } while count < 0 && errno == EINTR
    close(fd)
    return count == 1
}

/// The pod's user namespace, opened while the host's /proc is still in view, to be
/// entered after the root is built (enterUserNamespace).
func openUserNamespace(of pid: Int32, _ idMap: IDMap?) -> Int32 {
    guard idMap != nil else { return -1 }
    let path = "/proc/\(pid)/ns/user"
    return check(open(path, O_RDONLY | O_CLOEXEC), "open", path, "cannot open the pod's user namespace (is the pod's pause running?)")
}

/// Enters the pod's user namespace: the last namespace a container or an exec joins,
/// after every mount is made by host root, just before it takes its user and
/// capabilities. The process then has every capability in the pod's namespace only, and
/// drops them as any container does. Its mount and PID namespaces stay owned by the
/// host's user namespace, so root in the pod cannot mount anything (docs/security.md).
func enterUserNamespace(_ fd: Int32) {
    guard fd >= 0 else { return }
    check(podshim_setns(fd, Namespace.user), "setns", "user", "cannot enter the pod's user namespace")
    close(fd)
}

/// Puts an idmapped copy of each image layer over the layer itself, in the container's
/// own mount namespace, so the overlay shows the layers' files with the pod's IDs
/// (root-owned files belong to the pod's root) without copying or chowning a layer.
/// The writable layer belongs to the pod's root outright.
func idmapLayers(_ plan: ContainerLaunch, userNamespace: Int32) {
    guard let map = plan.idMap, userNamespace >= 0 else { return }
    for layer in plan.lowerDirs {
        var call: UnsafePointer<CChar>? = nil
        let fd = podshim_open_idmapped(layer, userNamespace, &call)
        if fd < 0 {
            let name = call.map { String(cString: $0) } ?? "open_tree"
            check(-1, name, layer, "cannot make an idmapped mount of the image layer \(layer) (the filesystem of podctl's root must support idmapped mounts: ext4, xfs, btrfs, tmpfs)")
        }
        check(podshim_move_mount(fd, "", AT_FDCWD, layer, UInt32(PODSHIM_MOVE_MOUNT_F_EMPTY_PATH)), "move_mount", layer, "cannot mount the idmapped layer")
        close(fd)
    }
    check(chown(plan.upperDir, map.hostUID, map.hostGID), "chown", plan.upperDir, "cannot give the writable layer to the pod's root")
}

/// tmpfs options that make a mount belong to the pod's root when it has a user namespace.
func ownerOptions(_ idMap: IDMap?, _ options: String) -> String {
    guard let map = idMap else { return options }
    return (options.isEmpty ? "" : options + ",") + "uid=\(map.hostUID),gid=\(map.hostGID)"
}
