import PodCgroups
import Testing

/// The order of an update's writes (Cgroup+Update.swift), decided without root.
struct CgroupUpdateTests {
    @Test func v1MemoryAndSwapAreWrittenInTheOrderTheKernelTakes() {
        let raise = CgroupFiles.updateWrites(CgroupLimits(memoryMax: 256 << 20), version: .v1, currentMemory: 128 << 20).map(\.file)
        #expect(raise.firstIndex(of: "memory.memsw.limit_in_bytes")! < raise.firstIndex(of: "memory.limit_in_bytes")!)
        let lower = CgroupFiles.updateWrites(CgroupLimits(memoryMax: 64 << 20), version: .v1, currentMemory: 128 << 20).map(\.file)
        #expect(lower.firstIndex(of: "memory.memsw.limit_in_bytes")! > lower.firstIndex(of: "memory.limit_in_bytes")!)
        let unlimited = CgroupFiles.updateWrites(CgroupLimits(), version: .v1, currentMemory: 128 << 20)
        #expect(unlimited.first { $0.file == "memory.memsw.limit_in_bytes" }?.value == "-1", "a limit held earlier goes too")
        #expect(unlimited.firstIndex { $0.file == "memory.memsw.limit_in_bytes" }! < unlimited.firstIndex { $0.file == "memory.limit_in_bytes" }!)
        #expect(CgroupFiles.updateWrites(CgroupLimits(memoryMax: 1), version: .v2, currentMemory: nil) == CgroupFiles.writes(CgroupLimits(memoryMax: 1), version: .v2))
    }

    @Test func theLoosestOfTwoLimitsIsEachLimitsLarger() {
        let a = CgroupLimits(memoryMax: 100, cpuShares: 10, cpuQuota: 50_000, cpuPeriod: 100_000, pidsMax: 5)
        let b = CgroupLimits(memoryMax: 200, cpuShares: 20, cpuQuota: 20_000, cpuPeriod: 20_000, pidsMax: nil)
        let loosest = CgroupLimits.loosest(a, b)
        #expect(loosest.memoryMax == 200 && loosest.pidsMax == nil && loosest.cpuShares == 20)
        #expect(loosest.cpuQuota == 20_000 && loosest.cpuPeriod == 20_000, "one CPU beats half of one")
        #expect(CgroupLimits.loosest(b, a).cpuQuota == 20_000 && CgroupLimits.loosest(a, CgroupLimits()).cpuQuota == nil)
        #expect(CgroupLimits.loosest(a, CgroupLimits(memoryMax: 50)).memoryMax == 100)
    }
}
