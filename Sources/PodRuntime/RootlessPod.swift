import Glibc
import PodCgroups
import PodCore
import PodLaunch
import PodModel
import PodOS
import PodPlan

/// What a non-root user's pod gets today (#18, docs/rootless.md, D64, D65): the user
/// network's user namespace mapped by newuidmap/newgidmap, its own network namespace on
/// the user's bridge (or the user's own with hostNetwork), hostPorts by a forwarder (D69),
/// and cgroups below a delegated cgroup v2 subtree, or none (D72). What is not built is
/// refused by name.
enum RootlessPod {
    /// The parts of `pod` a non-root user's pod cannot have yet, with what is missing;
    /// nil when it can run. `unprivilegedPortStart`: the host's net.ipv4.ip_unprivileged_port_start (the
    /// network namespace podctl runs in); the lowest port a user may listen on (ip(7)).
    static func refusal(_ pod: Pod, unprivilegedPortStart: Int = unprivilegedPortStart()) -> PodError? {
        let spec = pod.spec ?? PodSpec()
        let containers = (spec.containers ?? []) + (spec.initContainers ?? [])
        for port in containers.flatMap({ $0.ports ?? [] }) {
            guard let refusal = hostPortRefusal(port, hostNetwork: spec.hostNetwork == true, unprivilegedPortStart: unprivilegedPortStart) else { continue }
            return refusal
        }
        for (flag, field) in [(spec.hostPID, "hostPID"), (spec.hostIPC, "hostIPC")] where flag == true {
            // /proc of a PID namespace the user's namespace does not own cannot be mounted
            // (proc(5)), and the host's IPC namespace is not the user's to share.
            return PodError(.unsupported, """
                \(field) is not supported for a non-root user's pod: its namespaces are owned by the user's user \
                namespace, and the host's are not (docs/rootless.md); remove \(field), or run the pod as root
                """)
        }
        if spec.hostUsers == false {
            return PodError(.unsupported, """
                hostUsers: false is for root's pods: a non-root user's pod always runs in a user namespace of its own, \
                mapped from /etc/subuid and /etc/subgid (docs/rootless.md); remove the field
                """)
        }
        return nil
    }

    /// A hostPort the user's forwarder cannot publish (D69): not TCP or UDP, not on an IPv4
    /// address, or below the unprivileged limit. With hostNetwork the pod listens on the
    /// host itself, so only the limit applies.
    static func hostPortRefusal(_ port: ContainerPort, hostNetwork: Bool, unprivilegedPortStart: Int) -> PodError? {
        guard let hostPort = port.hostPort, hostPort != 0 else { return nil }
        if Int(hostPort) < unprivilegedPortStart {
            return PodError(.invalidArgument, """
                hostPort \(hostPort) is below net.ipv4.ip_unprivileged_port_start (\(unprivilegedPortStart)): a non-root user \
                cannot listen on it (ip(7)); choose a hostPort of \(unprivilegedPortStart) or more, lower the limit as root \
                (sysctl -w net.ipv4.ip_unprivileged_port_start=\(hostPort)), or run the pod as root (docs/rootless.md)
                """)
        }
        if hostNetwork { return nil }
        if !["TCP", "UDP"].contains(port.protocol ?? "TCP") {
            return PodError(.unsupported, """
                hostPort \(hostPort)/\(port.protocol ?? "") cannot be published by a non-root user's pod: its forwarder \
                carries TCP and UDP only (docs/rootless.md); use TCP or UDP, or run the pod as root
                """)
        }
        var parsed = in_addr()
        if let hostIP = port.hostIP, !hostIP.isEmpty, inet_pton(AF_INET, hostIP, &parsed) != 1 {
            return PodError(.unsupported, """
                hostIP \(hostIP) of hostPort \(hostPort): a non-root user's pod publishes on IPv4 addresses only \
                (docs/rootless.md); give an IPv4 hostIP or none
                """)
        }
        return nil
    }

    /// /proc/sys/net/ipv4/ip_unprivileged_port_start, or 1024 (the kernel's default)
    /// when it cannot be read.
    static func unprivilegedPortStart() -> Int {
        guard let text = try? Files.readText("/proc/sys/net/ipv4/ip_unprivileged_port_start") else { return 1024 }
        return Int(text.trimmingWhitespace()) ?? 1024
    }

    /// The user's mappers: newuidmap and newgidmap with the user's maps. The single-ID
    /// warning goes to the caller.
    static func mapping(uid: uid_t, gid: gid_t) throws(PodError) -> (RootlessMapping, warning: String?) {
        let name = getpwuid(uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
        let maps = try RootlessIDMaps.forUser(uid: uid, gid: gid, name: name)
        let uidMapper = try RootlessIDMaps.mapper("newuidmap"), gidMapper = try RootlessIDMaps.mapper("newgidmap")
        let mapping = RootlessMapping(uidMapper: [uidMapper] + RootlessIDMaps.arguments(pid: 0, maps.uids).dropFirst(),
                                      gidMapper: [gidMapper] + RootlessIDMaps.arguments(pid: 0, maps.gids).dropFirst())
        return (mapping, maps.singleIDWarning(user: name ?? String(uid)))
    }

    /// How the user's container roots are mounted (D71): `PODCTL_ROOTLESS_OVERLAY` unset
    /// or `auto`, the kernel's overlay and fuse-overlayfs where the kernel refuses it;
    /// `fuse`, fuse-overlayfs always (for kernels whose overlay misbehaves, and the tests).
    /// fuse-overlayfs is looked up now, so a forced choice without it fails at apply.
    static func overlay(setting: String?, directories: [String] = ["/usr/bin", "/bin", "/usr/local/bin"]) throws(PodError) -> RootlessOverlay {
        var program = ""
        for directory in directories where program.isEmpty && access(directory + "/fuse-overlayfs", X_OK) == 0 { program = directory + "/fuse-overlayfs" }
        switch setting ?? "" {
        case "", "auto":
            return RootlessOverlay(forceFuse: false, fuseProgram: program)
        case "fuse":
            guard !program.isEmpty else {
                throw PodError(.notFound, """
                    PODCTL_ROOTLESS_OVERLAY=fuse, but fuse-overlayfs was not found (in \(directories.joined(separator: ", "))): \
                    install the fuse-overlayfs package (apt-get install fuse-overlayfs), or unset PODCTL_ROOTLESS_OVERLAY
                    """)
            }
            return RootlessOverlay(forceFuse: true, fuseProgram: program)
        default:
            throw PodError(.invalidArgument, "PODCTL_ROOTLESS_OVERLAY must be auto or fuse, not \"\(setting ?? "")\" (docs/rootless.md)")
        }
    }

    /// Where a non-root user's pods get their cgroups (D72): below the cgroup v2 subtree
    /// delegated to the user that podctl runs in, or nowhere, with the reason.
    static func cgroups(environment: [String: String]) -> CgroupDelegation.Finding {
        let configured = environment[CgroupLayout.rootVariable] == nil ? nil : CgroupLayout.root(environment: environment)
        return CgroupDelegation.find(hierarchy: hostCgroups, procSelfCgroup: (try? Files.readText("/proc/self/cgroup")) ?? "",
                                     configuredRoot: configured, probe: .host)
    }

    /// A non-root user's plan: its cgroups at `cgroups` (below the delegated subtree), or
    /// none, with `notice` (limits are not enforced, the supervisor says so once, naming
    /// the fix); no OOM score below the user's own (the kernel refuses lowering it
    /// without CAP_SYS_RESOURCE); the user's mappers; how its roots are mounted (D71).
    static func adapt(_ plan: inout RunPlan, mapping: RootlessMapping, cgroups: CgroupLayout?, notice: String?, overlay: RootlessOverlay) {
        plan.rootless = mapping
        plan.rootlessOverlay = overlay
        if let cgroups {
            plan.cgroups?.layout = cgroups
            plan.limitsNotEnforced = nil
        } else {
            plan.cgroups = nil
            plan.limitsNotEnforced = notice
        }
        for index in plan.initContainers.indices { plan.initContainers[index].oomScoreAdj = nil }
        for index in plan.containers.indices { plan.containers[index].oomScoreAdj = nil }
    }

    /// The first apply's place for the pod `uid`'s cgroups, from the finding.
    static func place(_ finding: CgroupDelegation.Finding, uid: String) -> (cgroups: CgroupLayout?, notice: String?) {
        switch finding {
        case let .delegated(delegation): return (CgroupLayout(root: delegation.root, podUID: uid), nil)
        case let .notDelegated(reason): return (nil, reason)
        }
    }

    /// A pod with limits or requests whose user has no delegation is told at apply too.
    static func hasResources(_ pod: Pod) -> Bool {
        let spec = pod.spec ?? PodSpec()
        return ((spec.containers ?? []) + (spec.initContainers ?? [])).contains {
            !($0.resources?.limits ?? [:]).isEmpty || !($0.resources?.requests ?? [:]).isEmpty
        }
    }
}
