import Glibc
import PodCore
import PodLaunch
import PodModel
import PodPlan

/// What a non-root user's pod gets today (#18, docs/rootless.md, D64, D65): the user
/// network's user namespace mapped by newuidmap/newgidmap, its own network namespace on
/// the user's bridge, and no cgroups (cgroup v1 has no delegation). What is not built is refused by name.
enum RootlessPod {
    /// The parts of `pod` a non-root user's pod cannot have yet, with what is missing;
    /// nil when it can run.
    static func refusal(_ pod: Pod) -> PodError? {
        let spec = pod.spec ?? PodSpec()
        let containers = (spec.containers ?? []) + (spec.initContainers ?? [])
        if let port = containers.flatMap({ $0.ports ?? [] }).first(where: { ($0.hostPort ?? 0) != 0 }) {
            return PodError(.unsupported, """
                hostPort \(port.hostPort ?? 0) cannot be published by a non-root user's pod yet: forwarding host ports into \
                the user network needs pasta's port forwarding (passt), which podctl does not drive yet \
                (#18, docs/rootless.md); remove the hostPort, or run the pod as root
                """)
        }
        if spec.hostNetwork == true {
            return PodError(.unsupported, """
                hostNetwork is not supported for a non-root user's pod yet: its sandbox always has a network namespace of \
                its own, owned by its user namespace (#18, docs/rootless.md); remove hostNetwork, or run the pod as root
                """)
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

    /// A non-root user's plan: no cgroups (no delegation on cgroup v1: limits are not
    /// enforced, the supervisor says so once), no OOM score below the user's own (the
    /// kernel refuses lowering it without CAP_SYS_RESOURCE), and the user's mappers.
    static func adapt(_ plan: inout RunPlan, mapping: RootlessMapping) {
        plan.rootless = mapping
        plan.cgroups = nil
        for index in plan.initContainers.indices { plan.initContainers[index].oomScoreAdj = nil }
        for index in plan.containers.indices { plan.containers[index].oomScoreAdj = nil }
    }
}
