import Glibc
import PodOS

/// Starts the kernel's cgroup migration lock on its way out of the slow path before a
/// process is about to join a cgroup (cgroup v1).
///
/// Every write to a `cgroup.procs` takes `cgroup_threadgroup_rwsem` for writing; when the
/// lock's rcu_sync is idle (no writer for about a grace period) the writer first waits one
/// RCU grace period (`rcu_sync_enter`: 5 to 15 ms here, podbench's kernel floor); a write
/// that comes while it is active, or on its way there, waits for what is left of it. A
/// write of this process's PID to the cgroup it is in moves nothing and costs just that
/// wait, so made on another thread as soon as a join is known to be coming, it overlaps the
/// grace period with the work before the join (for a CRI exec: the client's connection to
/// the streaming server and the helper's start). It cannot take the wait away when nothing
/// comes before the join (ExecSync: the helper is spawned at once).
public struct MigrationLockWarmth: Sendable {
    /// This process's own `cgroup.procs` in one v1 hierarchy; nil: nothing to do (v2, where
    /// `clone3(CLONE_INTO_CGROUP)` is the way, or no cgroups).
    public let procsFile: String?

    /// This process's, read once.
    public static let ofThisProcess = MigrationLockWarmth(hierarchy: CgroupHierarchy.detect(), procSelfCgroup: (try? Files.readText("/proc/self/cgroup")) ?? "")

    public init(hierarchy: CgroupHierarchy?, procSelfCgroup: String) {
        procsFile = Self.ownProcsFile(hierarchy, procSelfCgroup)
    }

    /// `/proc/self/cgroup` lines are `ID:CONTROLLERS:PATH` (cgroups(7)); the pids hierarchy's
    /// line, else the memory one's.
    static func ownProcsFile(_ hierarchy: CgroupHierarchy?, _ procSelfCgroup: String) -> String? {
        guard let hierarchy, hierarchy.version == .v1 else { return nil }
        guard let controller = ["pids", "memory"].first(where: { hierarchy.mounts[$0] != nil }), let mount = hierarchy.mounts[controller] else { return nil }
        for line in procSelfCgroup.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, fields[1].split(separator: ",").contains(Substring(controller)) else { continue }
            let path = String(fields[2])
            guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else { return nil }
            return mount + (path == "/" ? "" : path) + "/cgroup.procs"
        }
        return nil
    }

    /// One write of this process's PID to its own cgroup. Errors change nothing and are
    /// ignored: the join then costs what it costs without this.
    public func touch() {
        guard let procsFile else { return }
        let fd = open(procsFile, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let pid = Array(String(getpid()).utf8)
        _ = pid.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
