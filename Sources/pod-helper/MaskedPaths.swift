import Glibc
import PodLaunch

/// Hides paths of /proc and /sys inside the root being built (before pivot_root): a
/// file gets the container's /dev/null bound over it, a directory a read-only empty
/// tmpfs. A path this kernel does not have is skipped. Paths resolve in the root
/// (RootPaths.swift).
func maskPaths(_ paths: [String], root: Int32) {
    for path in paths {
        guard let target = openExisting(root, path) else { continue }
        var info = stat()
        check(fstat(target, &info), "fstat", path)
        if (info.st_mode & S_IFMT) == S_IFDIR {
            check(mount("tmpfs", fdPath(target), "tmpfs", UInt(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC), "mode=0555"), "mount", path, "cannot mask \(path)")
        } else {
            let null = openInRoot(root, "/dev/null", creating: .file)
            check(mount(fdPath(null), fdPath(target), nil, UInt(MS_BIND), nil), "mount", path, "cannot mask \(path)")
            close(null)
        }
        close(target)
    }
}

/// Makes paths read-only: each is bound onto itself and the bind remounted read-only
/// (with the nosuid, nodev and noexec that /proc has).
func makeReadOnly(_ paths: [String], root: Int32) {
    for path in paths {
        guard let target = openExisting(root, path) else { continue }
        check(mount(fdPath(target), fdPath(target), nil, UInt(MS_BIND | MS_REC), nil), "mount", path, "cannot bind \(path) onto itself")
        close(target)
        remountReadOnly(path, root: root, flags: UInt(MS_NOSUID | MS_NODEV | MS_NOEXEC))
    }
}
