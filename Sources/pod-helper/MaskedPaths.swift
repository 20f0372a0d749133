import Glibc
import PodLaunch

/// Hides paths of /proc and /sys inside the root being built (before pivot_root): a
/// file gets the container's /dev/null bound over it, a directory a read-only empty
/// tmpfs. A path this kernel does not have is skipped.
func maskPaths(_ paths: [String], root: String) {
    for path in paths {
        let target = root + path
        var info = stat()
        if lstat(target, &info) != 0 { continue }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            check(mount("tmpfs", target, "tmpfs", UInt(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC), "mode=0555"), "mount", target, "cannot mask \(path)")
        } else {
            check(mount(root + "/dev/null", target, nil, UInt(MS_BIND), nil), "mount", target, "cannot mask \(path)")
        }
    }
}

/// Makes paths read-only: each is bound onto itself and the bind remounted read-only
/// (with the nosuid, nodev and noexec that /proc has).
func makeReadOnly(_ paths: [String], root: String) {
    for path in paths {
        let target = root + path
        var info = stat()
        if lstat(target, &info) != 0 { continue }
        check(mount(target, target, nil, UInt(MS_BIND | MS_REC), nil), "mount", target, "cannot bind \(path) onto itself")
        let flags = UInt(MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)
        check(mount("none", target, nil, flags, nil), "mount", target, "cannot make \(path) read-only")
    }
}
