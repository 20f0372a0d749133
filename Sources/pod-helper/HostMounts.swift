import CPodShim
import Glibc
import PodLaunch
import PodOS

/// hostPath binds (MountSpec.fromHost) are copied from the host's mount table when the
/// container starts, as runc binds a CRI mount from the host's: the pod's mount namespace
/// is a private copy made when the sandbox started, so a mount made on the host since
/// (a tmpfs below the hostPath, critest's "non-recursive readonly" and propagation specs)
/// would be missing from it, and none of its mounts could propagate. open_tree(2)'s
/// copy of a shared mount joins the mount's peer group; the propagation the plan asks for
/// is set once the copy is attached inside the container's root.
func cloneHostTrees(_ plan: ContainerLaunch) -> [Int: Int32] {
    // A rootless pod's helper holds no capability over the host's mount namespace.
    guard !plan.joinsPodUserNamespace else { return [:] }
    var trees: [Int: Int32] = [:]
    for (index, spec) in plan.mounts.enumerated() where spec.kind == .bind && spec.fromHost {
        let source = openSource(spec)
        let tree = podshim_clone_tree(source)
        if tree < 0 { check(-1, "open_tree", spec.source, "cannot copy the host's mount tree at \(spec.source)") }
        close(source)
        trees[index] = tree
    }
    return trees
}

/// The shape of the mount point a tree needs: a directory for a directory, else a file.
func treeShape(_ tree: Int32) -> InRoot.Shape {
    var info = stat()
    check(fstat(tree, &info), "fstat", "", "cannot inspect a copied mount tree")
    return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
}

/// Attaches the copied tree onto `target`, then gives it the plan's propagation (its
/// mounts are the host's peers until now) and read-only attributes.
func attachHostTree(_ tree: Int32, _ spec: MountSpec, root: Int32, target: Int32) {
    let flags = UInt32(PODSHIM_MOVE_MOUNT_F_EMPTY_PATH) | UInt32(PODSHIM_MOVE_MOUNT_T_EMPTY_PATH)
    check(podshim_move_mount(tree, "", target, "", flags), "move_mount", spec.target, "cannot mount \(spec.source) at \(spec.target)")
    close(tree)
    close(target)
    guard let mounted = openExisting(root, spec.target) else { fail(.setup, "openat2", ENOENT, spec.target, "\(spec.target) vanished after it was mounted") }
    let propagation: Int
    switch spec.propagation {
    case .private: propagation = MS_PRIVATE
    case .hostToContainer: propagation = MS_SLAVE
    case .bidirectional: propagation = MS_SHARED
    }
    check(mount("none", fdPath(mounted), nil, UInt(Int(MS_REC) | propagation), nil), "mount", spec.target, "cannot set the propagation of \(spec.target)")
    close(mounted)
    makeBindReadOnly(spec, root: root)
}

/// `readOnly`: the bind alone; `recursiveReadOnly`: the bind and every mount below it, in
/// one mount_setattr(2) (Linux 5.12; containerd refuses the mount where it is missing
/// too). mount_setattr sets MOUNT_ATTR_RDONLY and keeps the mount's other flags, where a
/// remount would drop a host mount's nosuid or nodev from the bind; the remount is the
/// non-recursive way only on a kernel without mount_setattr.
func makeBindReadOnly(_ spec: MountSpec, root: Int32) {
    guard spec.readOnly else { return }
    guard let mounted = openExisting(root, spec.target) else { fail(.setup, "openat2", ENOENT, spec.target, "\(spec.target) vanished after it was mounted") }
    defer { close(mounted) }
    if podshim_mount_setattr(mounted, spec.recursiveReadOnly ? 1 : 0, UInt64(PODSHIM_MOUNT_ATTR_RDONLY), 0) == 0 { return }
    let code = errno
    if code == ENOSYS && !spec.recursiveReadOnly { return remountReadOnly(spec.target, root: root) }
    let reason = code == ENOSYS ? "recursive read-only mounts need Linux 5.12 (mount_setattr)" : "cannot make \(spec.target) read-only"
    fail(.setup, "mount_setattr", code, spec.target, reason)
}
