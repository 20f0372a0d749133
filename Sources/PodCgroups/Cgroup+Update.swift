import PodCore
import PodOS

/// New limits on cgroups in use (CRI UpdateContainerResources): a pod's cgroup and one
/// container's below it change together, in an order the kernel accepts at every step.
extension Cgroup {
    /// Writes `limits` on this existing cgroup. On v1 the memory+swap limit may never be
    /// below the memory limit (memory.txt, "memory.memsw.limit_in_bytes"): a memory limit
    /// that rises goes after memory+swap, one that falls before it.
    public func update(_ limits: CgroupLimits) throws(PodError) {
        let current = directory("memory").flatMap { CgroupFiles.number($0 + "/memory.limit_in_bytes") }
        for write in CgroupFiles.updateWrites(limits, version: hierarchy.version, currentMemory: current) {
            guard let directory = directory(write.controller) else { continue }
            let file = directory + "/" + write.file
            if write.optional && !Files.exists(file) { continue }
            try CgroupFiles.write(write.value, to: file)
        }
    }

    /// A pod's cgroup `pod` and its container's `container` (nil: not running, nothing to
    /// write) go from the old limits to the new: first the pod's loosest of both (a
    /// child's CPU quota may not exceed its parent's on v1, and a raised container limit
    /// under an unraised pod limit would be no raise), then the container's, then the
    /// pod's new ones. A write the kernel refuses (v1 will not set a memory limit below
    /// the usage) is the error; the caller puts the old limits back.
    public static func update(pod: Cgroup, from old: CgroupLimits, to new: CgroupLimits, container: Cgroup?, limits: CgroupLimits) throws(PodError) {
        try pod.update(CgroupLimits.loosest(old, new))
        try container?.update(limits)
        try pod.update(new)
    }
}

extension CgroupLimits {
    /// Each limit the looser of the two (no limit is the loosest; a CPU quota compares
    /// as its share of its period); the shares and weight are `b`'s, they bound nothing.
    public static func loosest(_ a: CgroupLimits, _ b: CgroupLimits) -> CgroupLimits {
        func larger(_ x: Int64?, _ y: Int64?) -> Int64? {
            guard let x, let y else { return nil }
            return max(x, y)
        }
        var result = b
        result.memoryMax = larger(a.memoryMax, b.memoryMax)
        result.pidsMax = larger(a.pidsMax, b.pidsMax)
        switch (a.cpuQuota, b.cpuQuota) {
        case let (x?, y?) where Double(x) / Double(a.cpuPeriod) > Double(y) / Double(b.cpuPeriod):
            result.cpuQuota = x
            result.cpuPeriod = a.cpuPeriod
        case (_?, _?): break
        default: result.cpuQuota = nil
        }
        return result
    }
}

extension CgroupFiles {
    /// The writes of an update: as a new cgroup's (`writes`), but on v1 with the
    /// memory+swap limit always written (it may hold an earlier limit) and placed after
    /// the memory limit when that falls, before it when it rises. `currentMemory`: what
    /// memory.limit_in_bytes reads now (v1's "no limit" is a page-rounded Int64.max).
    public static func updateWrites(_ limits: CgroupLimits, version: CgroupHierarchy.Version, currentMemory: Int64?) -> [Write] {
        guard version == .v1 else { return writes(limits, version: version) }
        var result = writes(limits, version: version).filter { $0.file != "memory.memsw.limit_in_bytes" }
        let swap = Write(controller: "memory", file: "memory.memsw.limit_in_bytes", value: limits.memoryMax.map(String.init) ?? "-1", optional: true)
        let rises = (limits.memoryMax ?? Int64.max) > (currentMemory ?? Int64.max)
        let memory = result.firstIndex { $0.file == "memory.limit_in_bytes" } ?? 0
        result.insert(swap, at: rises ? memory : memory + 1)
        return result
    }
}
