import Foundation
import PodModel

/// What podctl writes into one cgroup, in the kernel's units, computed from a pod's
/// requests and limits with the kubelet's conversions (`pkg/kubelet/cm/helpers_linux.go`:
/// `MilliCPUToShares`, `MilliCPUToQuota`, `ResourceConfigForPod`; the container side in
/// `kuberuntime_container_linux.go`). docs/resources.md maps every field to its files.
public struct CgroupLimits: Codable, Equatable, Sendable {
    /// `limits.memory` in bytes; nil: no limit. Swap is off whenever a limit is set.
    public var memoryMax: Int64?
    /// cgroup v1 `cpu.shares` from `requests.cpu` (2…262144; 2 when nothing is requested).
    public var cpuShares: UInt64
    /// `limits.cpu` as microseconds of CPU per `cpuPeriod`; nil: no limit.
    public var cpuQuota: Int64?
    public var cpuPeriod: Int64
    /// Processes and threads; nil: no limit (the pod cgroup carries the pod's limit).
    public var pidsMax: Int64?

    public init(memoryMax: Int64? = nil, cpuShares: UInt64 = CPUConversion.minShares, cpuQuota: Int64? = nil,
                cpuPeriod: Int64 = CPUConversion.quotaPeriod, pidsMax: Int64? = nil) {
        self.memoryMax = memoryMax
        self.cpuShares = cpuShares
        self.cpuQuota = cpuQuota
        self.cpuPeriod = cpuPeriod
        self.pidsMax = pidsMax
    }

    /// cgroup v2 `cpu.weight` (1…10000) from the shares, as runc converts them for the
    /// kubelet (KEP-2254): `1 + ((shares - 2) * 9999) / 262142`.
    public var cpuWeight: UInt64 { CPUConversion.weight(shares: cpuShares) }
}

/// The kubelet's CPU arithmetic, constant for constant.
public enum CPUConversion {
    public static let minShares: UInt64 = 2
    public static let maxShares: UInt64 = 262_144
    public static let sharesPerCPU: UInt64 = 1024
    /// `cpu.cfs_period_us` / the period of `cpu.max`: 100 ms, the kubelet's default.
    public static let quotaPeriod: Int64 = 100_000
    /// The kernel refuses a quota under 1 ms.
    public static let minQuota: Int64 = 1000

    /// `MilliCPUToShares`: 1 CPU is 1024 shares; nothing requested is the minimum, 2.
    public static func shares(milliCPU: Int64) -> UInt64 {
        guard milliCPU > 0 else { return minShares }
        let shares = UInt64(milliCPU) * sharesPerCPU / 1000
        return min(max(shares, minShares), maxShares)
    }

    /// `MilliCPUToQuota`: the share of the period; nil for no limit.
    public static func quota(milliCPU: Int64, period: Int64 = quotaPeriod) -> Int64? {
        guard milliCPU > 0 else { return nil }
        return max(milliCPU * period / 1000, minQuota)
    }

    public static func weight(shares: UInt64) -> UInt64 {
        guard shares >= minShares else { return 1 }
        return 1 + ((min(shares, maxShares) - 2) * 9999) / 262_142
    }
}

extension CgroupLimits {
    /// A container's cgroup: its CPU request as shares (a limit without a request requests
    /// the limit, as defaulting does), its CPU limit as a quota, its memory limit.
    public init(container: Container) {
        let requests = container.resources?.requests ?? [:]
        let limits = container.resources?.limits ?? [:]
        let request = (requests["cpu"] ?? limits["cpu"])?.milliValue ?? 0
        self.init(memoryMax: Self.positive(limits["memory"]?.value),
                  cpuShares: CPUConversion.shares(milliCPU: request),
                  cpuQuota: CPUConversion.quota(milliCPU: limits["cpu"]?.milliValue ?? 0))
    }

    /// The pod's cgroup (`ResourceConfigForPod`): shares from the pod's summed CPU
    /// requests; a CPU quota and a memory limit only when every container has that limit
    /// (otherwise one container's share would be unbounded, so the pod is too); init
    /// containers count as the kubelet counts them (`PodRequests`/`PodLimits`): the larger
    /// of the app containers' sum and the biggest init container, sidecars added to both.
    public init(pod: Pod, pidsMax: Int64?) {
        let spec = pod.withDefaults().spec
        let inits = spec?.initContainers ?? []
        let apps = spec?.containers ?? []
        let all = inits + apps
        func amount(_ container: Container, _ list: KeyPath<ResourceRequirements, [String: Quantity]?>, _ name: String, milli: Bool) -> Int64 {
            guard let quantity = container.resources?[keyPath: list]?[name] else { return 0 }
            return max(0, (milli ? quantity.milliValue : quantity.value) ?? 0)
        }
        func podTotal(_ list: KeyPath<ResourceRequirements, [String: Quantity]?>, _ name: String, milli: Bool) -> Int64 {
            var sidecars: Int64 = 0
            var biggestInit: Int64 = 0
            for container in inits {
                let value = amount(container, list, name, milli: milli)
                if container.restartPolicy == "Always" { sidecars += value } else { biggestInit = max(biggestInit, value + sidecars) }
            }
            let appSum = apps.reduce(Int64(0)) { $0 + amount($1, list, name, milli: milli) }
            return max(appSum + sidecars, biggestInit)
        }
        let everyCPU = !all.isEmpty && all.allSatisfy { amount($0, \.limits, "cpu", milli: true) > 0 }
        let everyMemory = !all.isEmpty && all.allSatisfy { amount($0, \.limits, "memory", milli: false) > 0 }
        self.init(memoryMax: everyMemory ? podTotal(\.limits, "memory", milli: false) : nil,
                  cpuShares: CPUConversion.shares(milliCPU: podTotal(\.requests, "cpu", milli: true)),
                  cpuQuota: everyCPU ? CPUConversion.quota(milliCPU: podTotal(\.limits, "cpu", milli: true)) : nil,
                  pidsMax: pidsMax)
    }

    private static func positive(_ value: Int64?) -> Int64? {
        guard let value, value > 0 else { return nil }
        return value
    }
}
