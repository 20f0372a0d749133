import CPodShim
import Glibc
import PodCore
import PodOS
import PodPlan

/// The pod's network namespace, held open by a descriptor from before its supervisor is
/// stopped until the last process in it is killed. The pause dies with the stop, so a
/// namespace looked up afterwards through its PID is gone (or, with the PID reused, is
/// another process's); a held namespace cannot be freed, so its inode cannot be handed
/// to a new namespace while podctl compares against it (nsfs inodes are reused once a
/// namespace is freed: namespaces(7), "/proc/[pid]/ns/").
struct HeldNetworkNamespace {
    let descriptor: FileDescriptor
    let device: UInt64
    let inode: UInt64

    /// The namespace of the pod's pause, when `pid` still is that pause: the pidfd is
    /// opened first and checked last, so the command line and the namespace were read
    /// from the process it names, never from a process that reused its PID.
    static func ofPause(_ pid: Int32, isPause: (Int32) -> Bool) -> HeldNetworkNamespace? {
        guard pid > 0 else { return nil }
        let raw = podshim_pidfd_open(pid, 0)
        guard raw >= 0 else { return nil }
        let pidfd = FileDescriptor(raw: raw, path: "pidfd of \(pid)")
        guard isPause(pid), let namespace = try? FileDescriptor.open("/proc/\(pid)/ns/net", O_RDONLY) else { return nil }
        var entry = pollfd(fd: pidfd.raw, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 0) == 0 else { return nil }
        var info = stat()
        guard fstat(namespace.raw, &info) == 0 else { return nil }
        return HeldNetworkNamespace(descriptor: namespace, device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Whether process `pid` is in this namespace now (stat(2) of its ns link gives the
    /// namespace's device and inode, as `ip netns identify` compares them).
    func holds(_ pid: Int32) -> Bool {
        var info = stat()
        guard stat("/proc/\(pid)/ns/net", &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// Whether podctl itself runs in it (a hostNetwork pod's pause shares podctl's
    /// namespace): then nothing is killed by namespace.
    var isOwn: Bool { holds(getpid()) }
}

extension PodManager {
    /// The network namespace of the pod whose status is `status`, held for `killLeftovers`.
    func holdNetworkNamespace(_ status: PodStatusRecord?) -> HeldNetworkNamespace? {
        guard let status else { return nil }
        return HeldNetworkNamespace.ofPause(status.pausePID) { self.isPause($0) }
    }

    /// Kills every process still in the pod's network namespace (pause, containers,
    /// execs, a network helper): after a supervisor crash nothing else knows them, and a
    /// process outside the pod's cgroups escapes the cgroup kill.
    func killLeftovers(_ namespace: HeldNetworkNamespace?) {
        guard let namespace, !namespace.isOwn else { return }
        let members = { () -> [pid_t] in
            ((try? Files.list("/proc")) ?? []).compactMap { pid_t($0) }.filter(namespace.holds)
        }
        // Kill until none is left: a process forked while the list was read is caught on
        // the next round, and "none" must be seen twice in a row. The confirming round
        // follows an empty one at once: it looks for what was forked during the first,
        // which exists by now, so a pause there only made every delete 5 ms longer. After
        // a round that killed something, the next waits for the killed to go.
        let deadline = monotonicSeconds() + 10
        var emptyRounds = 0
        while emptyRounds < 2 && monotonicSeconds() < deadline {
            let pids = members()
            pids.forEach { kill($0, SIGKILL) }
            emptyRounds = pids.isEmpty ? emptyRounds + 1 : 0
            if !pids.isEmpty { usleep(5_000) }
        }
    }
}
