/// Where a container may mount a volume (docs/pod-spec.md, "Mount paths").
///
/// Kubernetes accepts `..` in a mountPath and leaves it to the runtime, which resolves
/// it inside the container's root: the root's parent is the root (runc's securejoin,
/// openat2 RESOLVE_IN_ROOT). podctl cleans the path the same way, so the rules below
/// judge the place the mount lands, and pod-helper resolves the cleaned path in the root.
public enum MountPaths {
    /// `.` and empty components dropped; `..` removes the component before it and stops
    /// at `/`. `/../../tmp/x` is `/tmp/x`, `/a/../proc` is `/proc`.
    public static func cleaned(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The kernel filesystems the runtime mounts; the root and these may not be covered.
    static let reserved = ["/proc", "/sys", "/dev"]

    /// Files of /proc a bind may cover, as LXCFS does: runc's allow-list
    /// (libcontainer/rootfs_linux.go, checkProcMount). Anything else in /proc is refused.
    static let procFiles: Set<String> = [
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
        "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
    ]

    /// Why a cleaned mount path is refused; nil when a volume may be mounted there.
    /// Below /sys and /dev is allowed, as runc allows it (/dev/shm, /sys/fs/cgroup).
    static func problem(_ cleaned: String) -> String? {
        if cleaned == "/" { return "must not be the container's root" }
        if reserved.contains(cleaned) { return "must not be \(cleaned): the runtime mounts it" }
        if cleaned.hasPrefix("/proc/") && !procFiles.contains(cleaned) {
            return "must not be inside /proc, except " + procFiles.sorted().joined(separator: ", ")
        }
        return nil
    }
}
