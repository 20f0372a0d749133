import CPodShim
import Glibc
import PodLaunch

/// The root of a non-root user's container (#18 item 3, D71): the container's mount
/// namespace is made here, and the overlay mounted in it, before its PID namespace, so
/// that fuse-overlayfs, when it is the driver, is not the container's PID 1.
///
/// The kernel's overlayfs is tried first (mountable in a user namespace since Linux
/// 5.11); where the kernel refuses it (EPERM, EINVAL, ENODEV), or the pod's plan forces
/// it (PODCTL_ROOTLESS_OVERLAY=fuse), fuse-overlayfs mounts the same directories, as
/// rootless Podman's storage falls back to its mount_program. Which one, and why, is
/// reported before `started`; the supervisor turns it into an event.
func mountRootlessRoot(_ plan: ContainerLaunch, _ overlay: RootlessOverlay) {
    let pod = check(open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC), "open", "/proc/self/ns/mnt", "cannot open the pod's mount namespace")
    unshareNamespaces(Namespace.mount, "container's mount")
    check(mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil), "mount", "/", "cannot make the container's mounts private")
    let reason: String
    if overlay.forceFuse {
        reason = "PODCTL_ROOTLESS_OVERLAY=fuse was set at apply"
    } else {
        let options = "lowerdir=\(plan.lowerDirs.joined(separator: ":")),upperdir=\(plan.upperDir),workdir=\(plan.workDir)"
        if mount("overlay", plan.rootfs, "overlay", 0, options) == 0 {
            close(pod)
            report(.rootFilesystem(driver: "overlay", reason: "the kernel's overlayfs, mounted inside the user namespace"))
            return
        }
        let code = errno
        guard RootlessOverlay.kernelRefused(code) else {
            check(-1, "mount", plan.rootfs, "cannot mount the container's overlay root")
            return
        }
        reason = "the kernel refused overlayfs in the user namespace (\(String(cString: strerror(code))); Linux before 5.11?)"
        guard !overlay.fuseProgram.isEmpty else {
            fail(.setup, "mount", code, plan.rootfs, "\(reason), and fuse-overlayfs is not installed: install the fuse-overlayfs package (apt-get install fuse-overlayfs), then apply the pod again")
        }
    }
    mountFuseOverlay(plan, program: overlay.fuseProgram, podNamespace: pod)
    close(pod)
    report(.rootFilesystem(driver: "fuse-overlayfs", reason: reason))
}

/// fuse-overlayfs runs in the pod's mount namespace, not the container's: a FUSE mount
/// lives while any namespace holds it, and its daemon would hold the container's
/// namespace itself. So the daemon mounts the root there, the mount is copied
/// (open_tree) and moved into the container's namespace, and the pod's copy is detached:
/// the container's namespace then holds the only mount, and when its last process
/// exits the kernel ends the FUSE connection and the daemon exits (fuse(4)), with no
/// process or mount left, as Podman's cleanup unmounts it. The daemon is in the pod's
/// network namespace, where delete kills whatever is left.
private func mountFuseOverlay(_ plan: ContainerLaunch, program: String, podNamespace: Int32) {
    let options = fuseOverlayOptions(plan)
    let container = check(open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC), "open", "/proc/self/ns/mnt", "cannot open the container's mount namespace")
    check(podshim_setns(podNamespace, Namespace.mount), "setns", "mnt", "cannot return to the pod's mount namespace")
    runFuseOverlayfs(program, options: options, target: plan.rootfs)
    let mounted = check(open(plan.rootfs, podshim_O_PATH | O_DIRECTORY | O_CLOEXEC), "open", plan.rootfs, "cannot open the fuse-overlayfs root")
    let tree = podshim_clone_tree(mounted)
    if tree < 0 { check(-1, "open_tree", plan.rootfs, "cannot copy the fuse-overlayfs root") }
    close(mounted)
    check(umount2(plan.rootfs, Int32(MNT_DETACH)), "umount2", plan.rootfs, "cannot detach the fuse-overlayfs root from the pod's mount namespace")
    check(podshim_setns(container, Namespace.mount), "setns", "mnt", "cannot return to the container's mount namespace")
    close(container)
    check(podshim_move_mount(tree, "", AT_FDCWD, plan.rootfs, UInt32(PODSHIM_MOVE_MOUNT_F_EMPTY_PATH)), "move_mount", plan.rootfs, "cannot attach the fuse-overlayfs root")
    close(tree)
}

/// fuse-overlayfs's `-o` value, refused when a path would read as its syntax
/// (RootlessOverlay.optionProblem says why).
func fuseOverlayOptions(_ plan: ContainerLaunch) -> String {
    for path in plan.lowerDirs + [plan.upperDir, plan.workDir] {
        if let bad = RootlessOverlay.optionProblem(path) {
            fail(.setup, "fuse-overlayfs", EINVAL, path, "cannot mount the container's root with fuse-overlayfs: \(path) holds \(bad), which its -o options cannot carry; move podctl's root (--root) to a path without ',', ':' or '\\'")
        }
    }
    return "lowerdir=\(plan.lowerDirs.joined(separator: ":")),upperdir=\(plan.upperDir),workdir=\(plan.workDir)"
}

/// Runs fuse-overlayfs and waits: it mounts, then daemonizes (libfuse's fuse_daemonize),
/// so its exit code says whether the mount is there. Its standard error is the
/// container's log until then; no other descriptor of the helper (the report pipe
/// above all, whose end-of-file the supervisor waits for) goes with it.
private func runFuseOverlayfs(_ program: String, options: String, target: String) {
    let child = fork()
    if child < 0 { check(-1, "fork", program, "cannot run fuse-overlayfs") }
    if child == 0 {
        // close_range is Linux 5.9; the kernels that need fuse-overlayfs may be older.
        if podshim_close_range(3, UInt32.max, 0) != 0 {
            for fd in 3..<Int32(min(max(sysconf(Int32(_SC_OPEN_MAX)), 1024), 1 << 20)) { close(fd) }
        }
        execv(program, cStringArray([program, "-o", options, target]))
        _exit(127)
    }
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    let code = podshim_exit_code(status)
    if code != 0 {
        fail(.setup, "fuse-overlayfs", 0, target, "fuse-overlayfs could not mount the container's root (exit code \(code)\(code == 127 ? ": \(program) could not be run; install the fuse-overlayfs package" : "; its message is in the container's log"))")
    }
}
