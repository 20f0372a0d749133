/// What a non-root user's pod lacks, said once per pod by the supervisor (a Warning
/// event) and by describe (#18, docs/rootless.md).
public enum RootlessNotice {
    public static let limits = """
        this pod runs as a non-root user without cgroups of its own (cgroup v1 has no delegation): \
        its resource limits are not enforced and its usage is not measured (docs/rootless.md)
        """
}
