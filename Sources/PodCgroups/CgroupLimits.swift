
/// What podctl writes into one cgroup, in the kernel's units, with the kubelet's
/// conversions (`pkg/kubelet/cm/helpers_linux.go`: `MilliCPUToShares`, `MilliCPUToQuota`).
/// Plain numbers: the run planner computes them from a pod's requests and limits
/// (PodRuntime, CgroupLimits+Pod.swift), so this module knows no manifests.
/// docs/resources.md maps every field to its files.
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
