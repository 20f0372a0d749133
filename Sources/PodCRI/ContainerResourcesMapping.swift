import Foundation
import GRPCCore
import PodCRIProtocol
import PodModel

/// `LinuxContainerResources` (CreateContainer's `linux.resources`, UpdateContainerResources'
/// `linux`) as a v1 Container's requests and limits, the kubelet's arithmetic reversed
/// (pkg/kubelet/cm/helpers_linux.go: shares = milli × 1024 / 1000, quota = milli ×
/// period / 1000); the planner turns them into the same cgroup values again. Mapped:
/// `cpu_shares`, `cpu_quota`/`cpu_period`, `memory_limit_in_bytes`; the rest
/// (cpuset, hugepages, `unified`, `oom_score_adj`, swap) is not (docs/cri.md).
enum ContainerResourcesMapping {
    /// The kernel's bounds (sched/core.c: a period of 1 ms to 1 s, a quota of at least
    /// 1 ms; cgroup v1 cpu.shares up to 262144), and a quota of at most 1024 CPUs at the
    /// longest period, so the arithmetic below never overflows whatever a client sends.
    static let maxShares: Int64 = 262_144
    static let periods: ClosedRange<Int64> = 1000...1_000_000
    static let maxQuota: Int64 = 1_000_000 * 1024

    /// Refuses what no kernel takes; `field`: the message's proto path (`config.linux.resources`).
    static func check(_ resources: Runtime_V1_LinuxContainerResources, _ field: String) throws(RPCError) {
        guard (0...maxShares).contains(resources.cpuShares) else {
            throw RPCFailure.invalid("\(field).cpu_shares", "\(resources.cpuShares) is not 0 (none) or a share weight up to \(maxShares)")
        }
        guard resources.cpuPeriod == 0 || periods.contains(resources.cpuPeriod) else {
            throw RPCFailure.invalid("\(field).cpu_period", "\(resources.cpuPeriod) is not 0 (the default, 100000) or 1000 to 1000000 microseconds")
        }
        guard resources.cpuQuota <= 0 || (1000...maxQuota).contains(resources.cpuQuota) else {
            throw RPCFailure.invalid("\(field).cpu_quota", "\(resources.cpuQuota) is not 0 or less (no limit) or 1000 to \(maxQuota) microseconds")
        }
        guard resources.memoryLimitInBytes >= 0 else {
            throw RPCFailure.invalid("\(field).memory_limit_in_bytes", "\(resources.memoryLimitInBytes) is not 0 (no limit) or a number of bytes")
        }
    }

    /// The requests and limits as a manifest's JSON says them; nil when none is set.
    static func json(_ resources: Runtime_V1_LinuxContainerResources) -> [String: Any]? {
        var requests: [String: String] = [:]
        var limits: [String: String] = [:]
        if resources.cpuShares > 2 { requests["cpu"] = "\(resources.cpuShares * 1000 / 1024)m" }
        if resources.cpuQuota > 0 {
            let period = resources.cpuPeriod > 0 ? resources.cpuPeriod : 100_000
            limits["cpu"] = "\(max(1, resources.cpuQuota * 1000 / period))m"
        }
        if resources.memoryLimitInBytes > 0 { limits["memory"] = "\(resources.memoryLimitInBytes)" }
        if requests.isEmpty && limits.isEmpty { return nil }
        return ["requests": requests, "limits": limits]
    }
    /// The same as the model's requirements; nil when none is set.
    static func requirements(_ resources: Runtime_V1_LinuxContainerResources, _ field: String) throws(RPCError) -> ResourceRequirements? {
        guard let json = json(resources) else { return nil }
        do {
            return try JSONDecoder().decode(ResourceRequirements.self, from: JSONSerialization.data(withJSONObject: json))
        } catch {
            throw RPCFailure.invalid(field, "the resources do not make requests and limits: \(error)")
        }
    }

    /// What ContainerStatus reports: the mapped fields as they were given, as containerd
    /// reports its spec's.
    static func reported(_ resources: Runtime_V1_LinuxContainerResources) -> Runtime_V1_LinuxContainerResources {
        var result = Runtime_V1_LinuxContainerResources()
        result.cpuPeriod = resources.cpuPeriod
        result.cpuQuota = resources.cpuQuota
        result.cpuShares = resources.cpuShares
        result.memoryLimitInBytes = resources.memoryLimitInBytes
        return result
    }
}
