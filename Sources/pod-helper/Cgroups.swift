import Glibc
import PodLaunch

/// Moves this helper into the pod's or container's cgroups before it creates or joins any
/// namespace: the processes it forks inherit them, so no instruction of a workload runs
/// outside its limits, and the cgroup namespace unshared afterwards is rooted here (the
/// container sees its cgroup as `/`). Writing "0" to cgroup.procs moves the writer
/// (cgroup-v2.rst, and kernel/cgroup/cgroup-v1.c for v1).
///
/// `refusalTolerated`: an exec into a non-root user's pod started from outside the
/// cgroup subtree delegated to the user (`podctl exec` from another login session): the
/// kernel lets a user move a process only within that subtree ("Delegation
/// Containment"), so the command runs in the caller's cgroup instead, as rootless runc
/// and crun run it (docs/rootless.md, "Cgroups"). Nothing of root's is at stake: the
/// limits are the user's own, and the user may start processes outside them anyway.
func enterCgroups(_ placement: Placement, refusalTolerated: Bool = false) {
    for file in placement.cgroupProcs {
        if joinAsThread(file) { continue }
        let fd = open(file, O_WRONLY | O_CLOEXEC)
        if fd < 0 && refusalTolerated && (errno == EACCES || errno == EPERM) { return }
        check(fd, "open", file, "cannot open the cgroup \(file)")
        let written = write(fd, "0", 1)
        let code = errno
        close(fd)
        // ENOENT: a kernel mounted with nsdelegate refuses a move across namespaces so.
        if written != 1 && refusalTolerated && [EACCES, EPERM, ENOENT].contains(code) { return }
        if written != 1 { errno = code; check(-1, "write", file, "cannot join the cgroup \(file)") }
    }
}

/// The QoS class's oom_score_adj, inherited by what the helper forks. Lowering it needs
/// CAP_SYS_RESOURCE; without it the write fails with EACCES/EPERM and the process keeps
/// its parent's value: the supervisor reads it back and records a warning.
func applyOOMScore(_ placement: Placement) {
    guard let score = placement.oomScoreAdj else { return }
    let fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    let text = Array(String(score).utf8)
    _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

/// On cgroup v1, "0" written to the `tasks` file beside `cgroup.procs` moves the writing
/// thread alone, and the kernel then skips `cgroup_threadgroup_rwsem`, whose write side
/// waits for an RCU grace period after an idle spell (cgroup_procs_write_start: the global
/// lock is taken only for a PID or a whole thread group; 5 to 15 ms here, 0.04 ms this
/// way, D84). This helper is single-threaded, so its one thread is the whole process, and
/// everything it forks inherits the cgroup. v2 has no `tasks` file: false, and
/// cgroup.procs is written as before; any refusal also falls back to cgroup.procs, which
/// reports it.
func joinAsThread(_ procsFile: String) -> Bool {
    let suffix = "/cgroup.procs"
    guard procsFile.hasSuffix(suffix) else { return false }
    let tasks = String(procsFile.dropLast(suffix.count)) + "/tasks"
    let fd = open(tasks, O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    let written = write(fd, "0", 1)
    close(fd)
    return written == 1
}
