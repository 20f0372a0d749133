import CPodShim
import Glibc
import PodLaunch

/// Builds the container's root in its own mount namespace: the overlay, the volumes and
/// generated files, /proc, /dev, /sys, the masked and read-only paths of its
/// confinement; then pivot_root into it and detach the old root.
/// Every mount lives and dies with the container's mount namespace: nothing reaches
/// the host's mount table.
func buildRoot(_ plan: LaunchPlan, userNamespace: Int32) {
    let root = plan.rootfs
    check(mount("none", "/", nil, UInt(MS_REC | MS_PRIVATE), nil), "mount", "/", "cannot make the container's mounts private")
    idmapLayers(plan, userNamespace: userNamespace)
    let options = "lowerdir=\(plan.lowerDirs.joined(separator: ":")),upperdir=\(plan.upperDir),workdir=\(plan.workDir)"
    check(mount("overlay", root, "overlay", 0, options), "mount", root, "cannot mount the container's overlay root")
    mountKernelFilesystems(root, plan)
    for spec in plan.mounts { mountVolume(spec, root: root, plan) }
    maskPaths(plan.confinement.maskedPaths, root: root)
    makeReadOnly(plan.confinement.readOnlyPaths, root: root)
    pivot(into: root)
    if plan.readOnlyRoot {
        check(mount("none", "/", nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY), nil), "mount", "/", "cannot make the root read-only")
    }
}

/// /proc, /sys (read-only unless the container is privileged) and /dev.
private func mountKernelFilesystems(_ root: String, _ plan: LaunchPlan) {
    let writableSys = plan.confinement.privileged
    let secure = UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC)
    makeDirectory(root + "/proc")
    check(mount("proc", root + "/proc", "proc", secure, nil), "mount", root + "/proc", "cannot mount /proc")
    makeDirectory(root + "/sys")
    check(mount("sysfs", root + "/sys", "sysfs", secure | (writableSys ? 0 : UInt(MS_RDONLY)), nil), "mount", root + "/sys", "cannot mount /sys")
    makeDevices(root + "/dev", plan)
}

/// /dev as a tmpfs with the standard nodes, its own devpts, and mqueue (as the OCI
/// runtime spec's default devices and mounts).
private func makeDevices(_ dev: String, _ plan: LaunchPlan) {
    makeDirectory(dev)
    check(mount("tmpfs", dev, "tmpfs", UInt(MS_NOSUID | MS_STRICTATIME), ownerOptions(plan, "mode=755,size=65536k")), "mount", dev, "cannot mount /dev")
    let nodes: [(String, UInt32, UInt32)] = [("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)]
    for (name, major, minor) in nodes {
        let path = dev + "/" + name
        check(mknod(path, S_IFCHR | 0o666, podshim_makedev(major, minor)), "mknod", path, "cannot create \(path)")
        check(chmod(path, 0o666), "chmod", path)
    }
    makeDirectory(dev + "/pts")
    check(mount("devpts", dev + "/pts", "devpts", UInt(MS_NOSUID | MS_NOEXEC), "newinstance,ptmxmode=0666,mode=0620"), "mount", dev + "/pts", "cannot mount /dev/pts")
    check(symlink("pts/ptmx", dev + "/ptmx"), "symlink", dev + "/ptmx")
    for (link, target) in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")] {
        check(symlink(target, dev + "/" + link), "symlink", dev + "/" + link)
    }
    makeDirectory(dev + "/shm")
    makeDirectory(dev + "/mqueue")
    check(mount("mqueue", dev + "/mqueue", "mqueue", UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC), nil), "mount", dev + "/mqueue", "cannot mount /dev/mqueue")
}

/// A bind mount of a host path (a volume, /etc/hosts, the pod's /dev/shm) or a tmpfs,
/// at `target` inside the root. The target is created when missing: a file for a file,
/// a directory otherwise.
private func mountVolume(_ spec: MountSpec, root: String, _ plan: LaunchPlan) {
    let target = root + spec.target
    switch spec.kind {
    case .tmpfs:
        makeDirectory(target)
        check(mount("tmpfs", target, "tmpfs", UInt(MS_NOSUID | MS_NODEV), ownerOptions(plan, spec.options)), "mount", target, "cannot mount a tmpfs at \(spec.target)")
    case .bind:
        var info = stat()
        check(stat(spec.source, &info), "stat", spec.source, "the volume source \(spec.source) is missing")
        if (info.st_mode & S_IFMT) == S_IFDIR { makeDirectory(target) } else { makeFile(target) }
        check(mount(spec.source, target, nil, UInt(MS_BIND | MS_REC), nil), "mount", target, "cannot mount \(spec.source) at \(spec.target)")
        if spec.readOnly {
            check(mount("none", target, nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY), nil), "mount", target, "cannot make \(spec.target) read-only")
        }
    }
}

/// pivot_root(".", ".") stacks the old root on the new one; detaching it leaves only
/// the container's root (the runc way, which needs no put_old directory).
private func pivot(into root: String) {
    check(chdir(root), "chdir", root)
    check(podshim_pivot_root(".", "."), "pivot_root", root, "cannot pivot into the container's root")
    check(umount2(".", Int32(MNT_DETACH)), "umount2", "/", "cannot detach the host's root")
    check(chdir("/"), "chdir", "/")
}

/// mkdir -p inside the root being built. A symlink in the way is not followed out of
/// the root: the image's files are the container's own, and paths here are built by
/// podctl from validated names or come from the image itself.
func makeDirectory(_ path: String) {
    var info = stat()
    if lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { return }
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
        makeDirectory(String(path[..<slash]))
    }
    if mkdir(path, 0o755) != 0 && errno != EEXIST { check(-1, "mkdir", path, "cannot create \(path)") }
}

private func makeFile(_ path: String) {
    var info = stat()
    if lstat(path, &info) == 0 { return }
    if let slash = path.lastIndex(of: "/") { makeDirectory(String(path[..<slash])) }
    let fd = check(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644), "open", path, "cannot create \(path)")
    close(fd)
}
