import PodOS

/// What a cgroup has used, read as the kubelet's cAdvisor reads it.
public struct CgroupUsage: Equatable, Sendable {
    /// CPU time used since the cgroup was made, in nanoseconds.
    public var cpuNanoseconds: UInt64
    /// The working set: usage less inactive file pages, which the kernel can drop at
    /// once (cAdvisor's `container_memory_working_set_bytes`, what `kubectl top` shows
    /// and the kubelet evicts on).
    public var memoryWorkingSet: UInt64

    public init(cpuNanoseconds: UInt64, memoryWorkingSet: UInt64) {
        self.cpuNanoseconds = cpuNanoseconds
        self.memoryWorkingSet = memoryWorkingSet
    }
}

extension Cgroup {
    /// How many processes the kernel's OOM killer killed in this cgroup (v2
    /// `memory.events` `oom_kill`; v1 `memory.oom_control` `oom_kill`, Linux 4.13+).
    /// nil when the memory controller is not there.
    public func oomKills() -> Int64? {
        guard let directory = directory("memory") else { return nil }
        switch hierarchy.version {
        case .v2: return CgroupFiles.keyed(directory + "/memory.events")["oom_kill"]
        case .v1: return CgroupFiles.keyed(directory + "/memory.oom_control")["oom_kill"]
        }
    }

    public func usage() -> CgroupUsage? {
        switch hierarchy.version {
        case .v2:
            guard let directory = directories.first, Files.isDirectory(directory) else { return nil }
            let cpu = CgroupFiles.keyed(directory + "/cpu.stat")["usage_usec"].map { UInt64(max(0, $0)) * 1000 } ?? 0
            let current = CgroupFiles.number(directory + "/memory.current") ?? 0
            let inactive = CgroupFiles.keyed(directory + "/memory.stat")["inactive_file"] ?? 0
            return CgroupUsage(cpuNanoseconds: cpu, memoryWorkingSet: UInt64(max(0, current - inactive)))
        case .v1:
            guard let memory = directory("memory"), Files.isDirectory(memory) else { return nil }
            let cpu = directory("cpuacct").flatMap { CgroupFiles.number($0 + "/cpuacct.usage") } ?? 0
            let current = CgroupFiles.number(memory + "/memory.usage_in_bytes") ?? 0
            let inactive = CgroupFiles.keyed(memory + "/memory.stat")["total_inactive_file"] ?? 0
            return CgroupUsage(cpuNanoseconds: UInt64(max(0, cpu)), memoryWorkingSet: UInt64(max(0, current - inactive)))
        }
    }
}
