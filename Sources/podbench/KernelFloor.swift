import Foundation
import Glibc

/// What the kernel makes any runtime pay for a pod start on this host, measured in the
/// same run as the figures it sits under (#15: "if a kernel cost makes one impossible on
/// this machine, prove it with the floor measured in the same run").
///
/// Moving a process into a cgroup (a write to `cgroup.procs`, on v1 and v2 alike) takes
/// `cgroup_threadgroup_rwsem` for writing (kernel/cgroup/cgroup.c, cgroup_attach_lock).
/// That per-CPU rwsem is kept in its fast reader mode by an rcu_sync (kernel/rcu/sync.c):
/// the first writer after an idle spell waits one RCU grace period for it to switch
/// (rcu_sync_enter from GP_IDLE); writers while it is switched, or within one grace period
/// after the last one left (GP_EXIT), do not wait. A pod start on cgroup v1 makes at least
/// one such first write when it moves the pod's first process with `cgroup.procs`
/// (v1 has no clone3(CLONE_INTO_CGROUP)): Podman's crun does. podctl's helpers write "0"
/// to `tasks` instead, which moves the single-threaded writer without the lock (D84).
enum KernelFloor {
    /// The idle spell before the timed write: several grace periods (~15 ms each here),
    /// so the rcu_sync is back to GP_IDLE and the write is a first one.
    static let idle = 0.2

    /// Milliseconds of one first `cgroup.procs` write after an idle spell: a sleeping child
    /// is moved into a scratch cgroup of the pids hierarchy (v1) or of the unified one (v2).
    /// The caller waits `idle` again afterwards, so the warmed rcu_sync does not speed up
    /// the next figure's own first write.
    static func firstCgroupMigration() throws -> Double {
        let base = FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers") ? "/sys/fs/cgroup" : "/sys/fs/cgroup/pids"
        let scratch = base + "/podbench-floor"
        guard mkdir(scratch, 0o755) == 0 || errno == EEXIST else {
            throw BenchError("cannot make \(scratch): \(String(cString: strerror(errno)))")
        }
        defer { rmdir(scratch) }
        let child = try Spawn.start(["sleep", "30"])
        defer {
            kill(child, SIGKILL)
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        }
        let fd = open(scratch + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError("cannot open \(scratch)/cgroup.procs: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let line = Array("\(child)\n".utf8)
        Clock.nap(idle)
        let t0 = Clock.now()
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let elapsed = (Clock.now() - t0) * 1000
        guard written == line.count else { throw BenchError("cannot move \(child) into \(scratch): \(String(cString: strerror(errno)))") }
        return elapsed
    }
}
