import PodCgroups

/// What a non-root user's pod lacks, said once per pod by the supervisor (a Warning
/// event) and by describe (#18, docs/rootless.md).
public enum RootlessNotice {
    /// No cgroups for the pod: `reason` is CgroupDelegation's, which names the fix.
    public static func limits(_ reason: String) -> String {
        "this pod runs as a non-root user without cgroups of its own, so its resource limits are not enforced and its usage is not measured: \(reason)"
    }

    /// For a plan written before the reason was recorded (cgroup v1 was the only case).
    public static let limits = limits("cgroup v1 has no delegation; \(CgroupDelegation.fix)")
}
