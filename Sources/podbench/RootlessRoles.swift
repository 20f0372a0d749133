import Glibc

/// One process of the benchmark user, as /proc shows it.
struct UserProcess: Equatable {
    let pid: pid_t
    let parent: pid_t
    let comm: String
    let arguments: [String]
}

/// What a resident process of the benchmark user is to the rootless memory rows: whose
/// (podctl or Podman), which part, and whether each pod has one or the user has one for
/// all its pods. Both kinds count: a user who runs N pods pays for both.
struct RootlessRole: Hashable {
    enum Kind: String { case perPod = "per pod", shared = "shared by the user's pods" }
    let system: String
    let role: String
    let kind: Kind
}

/// Sorts the user's processes (both systems run as the same user, side by side) by their
/// names and parents. The workloads (the same busybox processes for both) are left out,
/// as in the root memory phase; so are processes that only pass through (podman, crun,
/// a pod-helper that sets something up, setpriv, newuidmap), which the phase waits out.
enum RootlessRoles {
    enum Verdict: Hashable {
        case counted(RootlessRole)
        case workload
        case transient
        /// A process neither system is known to leave: the phase notes it.
        case unknown
    }

    static func podctl(_ role: String, _ kind: RootlessRole.Kind) -> Verdict { .counted(RootlessRole(system: "podctl", role: role, kind: kind)) }
    static func podman(_ role: String, _ kind: RootlessRole.Kind) -> Verdict { .counted(RootlessRole(system: "Podman", role: role, kind: kind)) }

    static let transient: Set<String> = ["podman", "crun", "setpriv", "newuidmap", "newgidmap", "nsenter"]

    static func classify(_ processes: [UserProcess]) -> [pid_t: Verdict] {
        let byPID = Dictionary(processes.map { ($0.pid, $0) }, uniquingKeysWith: { a, _ in a })
        func parentComm(_ p: UserProcess) -> String? { byPID[p.parent]?.comm }
        // A container's first process: pod-init under the supervisor (podctl), what crun
        // started under conmon other than the infra's catatonit (Podman). What they
        // started is the workload.
        func isPodInit(_ p: UserProcess) -> Bool {
            parentComm(p) == "pod-supervisor" && !["pod-pause", "pod-helper"].contains(p.comm)
        }
        func isWorkload(_ p: UserProcess) -> Bool {
            var current = p
            var steps = 0
            while let parent = byPID[current.parent], steps < 64 {
                if parent.comm == "conmon" { return current.comm != "catatonit" && !transient.contains(current.comm) }
                if isPodInit(parent) { return true }
                current = parent
                steps += 1
            }
            return false
        }
        var verdicts: [pid_t: Verdict] = [:]
        for p in processes {
            verdicts[p.pid] = isWorkload(p) ? .workload : verdict(p, parent: parentComm(p), podInit: isPodInit(p))
        }
        return verdicts
    }

    private static func verdict(_ p: UserProcess, parent: String?, podInit: Bool) -> Verdict {
        let mode = p.arguments.dropFirst().first
        if podInit { return podctl("pod-init", .perPod) }
        switch p.comm {
        case "pod-supervisor": return podctl("pod-supervisor", .perPod)
        case "pod-pause": return parent == "pod-supervisor" ? podctl("pod-pause", .perPod) : .unknown
        case "pod-helper" where mode == "host-ports": return podctl("pod-helper host-ports", .perPod)
        // The holder and its child in the user namespace both run `pod-helper user-network`.
        case "pod-helper" where mode == "user-network": return podctl("pod-helper user-network", .shared)
        case "pod-helper": return .transient
        case "pod-dns": return podctl("pod-dns", .shared)
        case "conmon": return podman("conmon", .perPod)
        case "catatonit": return parent == "conmon" ? podman("catatonit (infra)", .perPod) : podman("catatonit -P (rootless pause)", .shared)
        case "rootlessport": return podman("rootlessport", .perPod)
        case "slirp4netns": return podman("slirp4netns", .shared)
        case "aardvark-dns": return podman("aardvark-dns", .shared)
        case let comm where comm.hasPrefix("pasta") || comm.hasPrefix("passt"):
            return parent == "pod-helper" ? podctl("pasta", .shared) : podman("pasta", .shared)
        case let comm where transient.contains(comm): return .transient
        default:
            // rootlessport re-executes itself as rootlessport-child (comm "exe").
            return parent == "rootlessport" ? podman("rootlessport-child", .perPod) : .unknown
        }
    }

    /// Memory by role: how many processes and their sum.
    static func byRole(_ samples: [(RootlessRole, Memory)]) -> [RootlessRole: (count: Int, memory: Memory)] {
        var table: [RootlessRole: (count: Int, memory: Memory)] = [:]
        for (role, memory) in samples {
            let old = table[role] ?? (0, Memory())
            table[role] = (old.count + 1, old.memory + memory)
        }
        return table
    }

    /// A system's memory per pod in MiB: every counted process of it, per-pod and shared,
    /// summed (KiB, as smaps_rollup gives it) and divided by the pods it runs.
    static func perPod(_ samples: [(RootlessRole, Memory)], system: String, pods: Int) -> Memory {
        let total = samples.filter { $0.0.system == system }.reduce(Memory()) { $0 + $1.1 }
        let divisor = Double(max(pods, 1)) * 1024
        return Memory(rss: total.rss / divisor, pss: total.pss / divisor, privateDirty: total.privateDirty / divisor)
    }
}
