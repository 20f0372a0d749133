import PodCgroups

/// The pod's cgroups as the run plan records them: where they are and what the pod's
/// own cgroup limits (docs/resources.md).
public struct PodCgroupPlan: Codable, Equatable, Sendable {
    public var layout: CgroupLayout
    public var limits: CgroupLimits
    /// The pause's oom_score_adj: the kubelet's `PodInfraOOMAdj`.
    public var sandboxOOMScoreAdj: Int32

    public init(layout: CgroupLayout, limits: CgroupLimits, sandboxOOMScoreAdj: Int32) {
        self.layout = layout
        self.limits = limits
        self.sandboxOOMScoreAdj = sandboxOOMScoreAdj
    }
}

/// The host's hierarchy, read once per process: mounts do not change under a pod.
public let hostCgroups = CgroupHierarchy.detect()

extension PodCgroupPlan {
    /// The `cgroup.procs` files of a running container's cgroup, for a process that joins
    /// it (an exec, an exec probe or hook); none when the cgroup is not there.
    public func procsFiles(ofContainer name: String) -> [String] {
        guard let hierarchy = hostCgroups else { return [] }
        let cgroup = hierarchy.cgroup(layout.container(name))
        return cgroup.exists ? cgroup.procsFiles : []
    }

    /// Whether `pid` is a process of the container's cgroup (it joined it, or descends
    /// from what did): a pid recorded earlier and reused since is not.
    public func holds(_ pid: Int32, container name: String) -> Bool {
        guard pid > 0, let hierarchy = hostCgroups else { return false }
        return hierarchy.cgroup(layout.container(name)).processes().contains(pid)
    }
}
