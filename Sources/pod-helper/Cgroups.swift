import Glibc
import PodLaunch

/// Moves this helper into the pod's or container's cgroups before it creates or joins any
/// namespace: the processes it forks inherit them, so no instruction of a workload runs
/// outside its limits, and the cgroup namespace unshared afterwards is rooted here (the
/// container sees its cgroup as `/`). Writing "0" to cgroup.procs moves the writer
/// (cgroup-v2.rst, and kernel/cgroup/cgroup-v1.c for v1).
func enterCgroups(_ placement: Placement) {
    for file in placement.cgroupProcs {
        let fd = check(open(file, O_WRONLY | O_CLOEXEC), "open", file, "cannot open the cgroup \(file)")
        let written = write(fd, "0", 1)
        if written != 1 { check(-1, "write", file, "cannot join the cgroup \(file)") }
        close(fd)
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
