import CPodShim
import Glibc
import PodLaunch
import PodOS

/// Builds the container's root in its own mount namespace: the overlay, the volumes and
/// generated files, /proc, /dev, /sys, the masked and read-only paths of its
/// confinement; then pivot_root into it and detach the old root.
/// Every mount lives and dies with the container's mount namespace: nothing reaches
/// the host's mount table. Every path below the root is resolved through the root's
/// descriptor (RootPaths.swift), never joined to it as a string.
/// `overlayMounted`: a non-root user's root is mounted already (RootlessRoot.swift).
func buildRoot(_ plan: ContainerLaunch, userNamespace: Int32, hostTrees: [Int: Int32], overlayMounted: Bool) {
    let root = plan.rootfs
    if !overlayMounted {
        check(mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil), "mount", "/", "cannot make the container's mounts private")
        idmapLayers(plan, userNamespace: userNamespace)
        let options = "lowerdir=\(plan.lowerDirs.joined(separator: ":")),upperdir=\(plan.upperDir),workdir=\(plan.workDir)"
        check(mount("overlay", root, "overlay", 0, options), "mount", root, "cannot mount the container's overlay root")
    }
    // The root's own path is podctl's; opened after the overlay, the descriptor is the overlay.
    let rootFD = check(open(root, podshim_O_PATH | O_DIRECTORY | O_CLOEXEC), "open", root, "cannot open the container's root")
    mountKernelFilesystems(rootFD, plan)
    let reserved = ReservedTargets(root: rootFD)
    for (index, spec) in plan.mounts.enumerated() { mountVolume(spec, root: rootFD, reserved: reserved, plan, hostTree: hostTrees[index]) }
    maskPaths(plan.process.confinement.maskedPaths, root: rootFD)
    makeReadOnly(plan.process.confinement.readOnlyPaths, root: rootFD)
    close(rootFD)
    pivot(into: root)
    if plan.readOnlyRoot {
        check(mount("none", "/", nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY), nil), "mount", "/", "cannot make the root read-only")
    }
}

/// /proc, /sys (read-only unless the container is privileged) and /dev.
private func mountKernelFilesystems(_ root: Int32, _ plan: ContainerLaunch) {
    let secure = UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mountAt(root, "/proc", "proc", "proc", secure, nil)
    let sysFlags = secure | (plan.process.confinement.privileged ? 0 : UInt(MS_RDONLY))
    // A user's hostNetwork pod: sysfs may be mounted only by a holder of CAP_SYS_ADMIN over
    // the network namespace's owner, the host's (sysfs(5)); the host's /sys is bound
    // instead, as rootless runc and Podman do (D69).
    mountSys(root, sysFlags, bindHostsOnRefusal: plan.joinsPodUserNamespace)
    makeDevices(root, plan)
}

/// sysfs on /sys; refused (EPERM) for a user's pod in a network namespace its user
/// namespace does not own (hostNetwork, D69), the host's /sys bound recursively instead.
private func mountSys(_ root: Int32, _ flags: UInt, bindHostsOnRefusal: Bool) {
    let target = openInRoot(root, "/sys", creating: .directory)
    defer { close(target) }
    if mount("sysfs", fdPath(target), "sysfs", flags, nil) == 0 { return }
    let code = errno
    guard code == EPERM && bindHostsOnRefusal else { fail(.setup, "mount", code, "/sys", "cannot mount /sys: \(String(cString: strerror(code)))") }
    // The helper's mount namespace still shows the host's /sys here, before pivot_root.
    check(mount("/sys", fdPath(target), nil, UInt(MS_BIND | MS_REC), nil), "mount", "/sys", "cannot bind the host's /sys")
    // The bound mount's own flags (nosuid, nodev, noexec) are locked in a user namespace
    // and must be kept on the remount (mount_namespaces(7)).
    let sys = openInRoot(root, "/sys", creating: .directory)
    defer { close(sys) }
    check(mount("none", fdPath(sys), nil, UInt(MS_REMOUNT | MS_BIND) | flags, nil), "mount", "/sys", "cannot make the host's /sys read-only")
}

/// Mounts a filesystem on the directory `path` inside the root, made when missing.
private func mountAt(_ root: Int32, _ path: String, _ source: String, _ type: String, _ flags: UInt, _ data: String?) {
    let target = openInRoot(root, path, creating: .directory)
    check(mount(source, fdPath(target), type, flags, data), "mount", path, "cannot mount \(path)")
    close(target)
}

/// /dev as a tmpfs with the standard nodes, its own devpts, and mqueue (as the OCI
/// runtime spec's default devices and mounts).
private func makeDevices(_ root: Int32, _ plan: ContainerLaunch) {
    mountAt(root, "/dev", "tmpfs", "tmpfs", UInt(MS_NOSUID | MS_STRICTATIME), ownerOptions(plan.idMap, "mode=755,size=65536k"))
    // The fresh tmpfs: names below it are podctl's own, made relative to its descriptor.
    let dev = openInRoot(root, "/dev", creating: .directory)
    let nodes: [(String, UInt32, UInt32)] = [("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)]
    for (name, major, minor) in nodes {
        if plan.joinsPodUserNamespace {
            bindHostDevice(dev, name)
            continue
        }
        check(mknodat(dev, name, S_IFCHR | 0o666, podshim_makedev(major, minor)), "mknod", "/dev/" + name, "cannot create /dev/\(name)")
        check(fchmodat(dev, name, 0o666, 0), "chmod", "/dev/" + name)
    }
    mountAt(root, "/dev/pts", "devpts", "devpts", UInt(MS_NOSUID | MS_NOEXEC), "newinstance,ptmxmode=0666,mode=0620")
    check(symlinkat("pts/ptmx", dev, "ptmx"), "symlink", "/dev/ptmx")
    for (link, target) in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")] {
        check(symlinkat(target, dev, link), "symlink", "/dev/" + link)
    }
    check(mkdirat(dev, "shm", 0o755), "mkdir", "/dev/shm")
    close(dev)
    mountAt(root, "/dev/mqueue", "mqueue", "mqueue", UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC), nil)
}

/// A non-root user's pod may not make device nodes (mknod needs CAP_MKNOD in the initial
/// user namespace), so the host's node is bound on an empty file, as rootless runc and
/// crun do; the host's /dev is still in view before pivot_root.
private func bindHostDevice(_ dev: Int32, _ name: String) {
    let file = check(openat(dev, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o666), "open", "/dev/" + name, "cannot create /dev/\(name)")
    check(mount("/dev/" + name, fdPath(file), nil, UInt(MS_BIND), nil), "mount", "/dev/" + name, "cannot bind the host's /dev/\(name)")
    close(file)
}

/// A bind mount of a host path (a volume, /etc/hosts, the pod's /dev/shm) or a tmpfs,
/// at `spec.target` inside the root. The target is created when missing: a file for a
/// file, a directory otherwise.
private func mountVolume(_ spec: MountSpec, root: Int32, reserved: ReservedTargets, _ plan: ContainerLaunch, hostTree: Int32?) {
    switch spec.kind {
    case .tmpfs:
        let target = openMountPoint(spec, root: root, .directory, reserved)
        check(mount("tmpfs", fdPath(target), "tmpfs", UInt(MS_NOSUID | MS_NODEV), ownerOptions(plan.idMap, spec.options)), "mount", spec.target, "cannot mount a tmpfs at \(spec.target)")
        close(target)
    case .bind:
        if let hostTree {
            attachHostTree(hostTree, spec, root: root, target: openMountPoint(spec, root: root, treeShape(hostTree), reserved))
            return
        }
        let source = openSource(spec)
        var info = stat()
        check(fstat(source, &info), "fstat", spec.source, "cannot inspect the volume source \(spec.source)")
        let target = openMountPoint(spec, root: root, (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .file, reserved)
        check(mount(fdPath(source), fdPath(target), nil, UInt(MS_BIND | MS_REC), nil), "mount", spec.target, "cannot mount \(spec.source) at \(spec.target)")
        close(target)
        close(source)
        makeBindReadOnly(spec, root: root)
    }
}

/// The bind's source: a host path podctl chose (a volume's directory, a generated file)
/// or the administrator's hostPath; a subPath is resolved inside it as a mount path is
/// inside the root, here and now, so a symlink a container left in the volume cannot
/// point the bind at the host (CVE-2017-1002101). Missing directories are made (0777,
/// as the kubelet makes them).
func openSource(_ spec: MountSpec) -> Int32 {
    let volume = open(spec.source, podshim_O_PATH | O_CLOEXEC)
    if volume < 0 && errno == ENOENT { check(-1, "open", spec.source, "the volume source \(spec.source) is missing") }
    check(volume, "open", spec.source, "cannot open the volume source \(spec.source)")
    if spec.subPath.isEmpty { return volume }
    let inside = openInRoot(volume, spec.subPath, creating: .directory, mode: 0o777)
    close(volume)
    return inside
}

private func openMountPoint(_ spec: MountSpec, root: Int32, _ shape: InRoot.Shape, _ reserved: ReservedTargets) -> Int32 {
    let target = openInRoot(root, spec.target, creating: shape)
    if let problem = reserved.problem(target, target: spec.target) {
        fail(.setup, "mount", EPERM, spec.target, "cannot mount a volume at \(spec.target): \(problem)")
    }
    return target
}

/// The bind just made is opened again, so the remount applies to the new mount itself.
func remountReadOnly(_ path: String, root: Int32, flags: UInt = 0) {
    guard let mounted = openExisting(root, path) else { fail(.setup, "openat2", ENOENT, path, "\(path) vanished after it was mounted") }
    check(mount("none", fdPath(mounted), nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY) | flags, nil), "mount", path, "cannot make \(path) read-only")
    close(mounted)
}

/// pivot_root(".", ".") stacks the old root on the new one; detaching it leaves only
/// the container's root (the runc way, which needs no put_old directory).
private func pivot(into root: String) {
    check(chdir(root), "chdir", root)
    check(podshim_pivot_root(".", "."), "pivot_root", root, "cannot pivot into the container's root")
    check(umount2(".", Int32(MNT_DETACH)), "umount2", "/", "cannot detach the host's root")
    check(chdir("/"), "chdir", "/")
}
