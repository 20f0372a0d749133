import Testing
@testable import PodCgroups

/// The kubelet's conversions, value for value (pkg/kubelet/cm/helpers_linux_test.go has
/// the same pairs), and what podctl writes on each hierarchy. The limits of a pod's
/// manifest are the planner's: PodRuntimeTests, PodCgroupLimitsTests.
@Suite struct LimitsTests {
    @Test(arguments: [(0 as Int64, 2 as UInt64), (1, 2), (2, 2), (100, 102), (250, 256), (500, 512), (1000, 1024), (1500, 1536), (256_000, 262_144), (500_000, 262_144)])
    func sharesAsTheKubeletComputesThem(_ milli: Int64, _ shares: UInt64) {
        #expect(CPUConversion.shares(milliCPU: milli) == shares)
    }

    @Test(arguments: [(0 as Int64, nil as Int64?), (1, 1000), (5, 1000), (10, 1000), (200, 20_000), (500, 50_000), (1000, 100_000), (1500, 150_000)])
    func quotaAsTheKubeletComputesIt(_ milli: Int64, _ quota: Int64?) {
        #expect(CPUConversion.quota(milliCPU: milli) == quota)
    }

    @Test(arguments: [(2 as UInt64, 1 as UInt64), (1024, 39), (102, 4), (262_144, 10_000), (512, 20)])
    func weightAsRuncConvertsShares(_ shares: UInt64, _ weight: UInt64) {
        #expect(CPUConversion.weight(shares: shares) == weight)
    }

    @Test func filesOnEachHierarchy() {
        let limits = CgroupLimits(memoryMax: 1000, cpuShares: 512, cpuQuota: 50_000, pidsMax: 64)
        let v1 = CgroupFiles.writes(limits, version: .v1).map { "\($0.file)=\($0.value)" }
        #expect(v1 == ["memory.limit_in_bytes=1000", "memory.memsw.limit_in_bytes=1000", "cpu.shares=512", "cpu.cfs_period_us=100000", "cpu.cfs_quota_us=50000", "pids.max=64"])
        let v2 = CgroupFiles.writes(limits, version: .v2).map { "\($0.file)=\($0.value)" }
        #expect(v2 == ["memory.max=1000", "memory.swap.max=0", "cpu.weight=20", "cpu.max=50000 100000", "pids.max=64"])
        let open = CgroupFiles.writes(CgroupLimits(), version: .v2).map { "\($0.file)=\($0.value)" }
        #expect(open == ["memory.max=max", "cpu.weight=1", "cpu.max=max 100000"])
        let openV1 = CgroupFiles.writes(CgroupLimits(), version: .v1).map { "\($0.file)=\($0.value)" }
        #expect(openV1 == ["memory.limit_in_bytes=-1", "cpu.shares=2", "cpu.cfs_period_us=100000", "cpu.cfs_quota_us=-1"])
    }
}

@Suite struct HierarchyTests {
    static let hybrid = """
    30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
    31 30 0:27 / /sys/fs/cgroup/unified rw,relatime shared:10 - cgroup2 cgroup2 rw
    32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
    33 30 0:29 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
    34 30 0:30 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
    35 30 0:31 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
    36 30 0:32 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
    """

    @Test func hybridUsesV1WhenTheUnifiedMountHasNoControllers() {
        let found = CgroupHierarchy.detect(mountinfo: Self.hybrid) { _ in "" }
        #expect(found?.version == .v1)
        #expect(found?.mounts["cpu"] == "/sys/fs/cgroup/cpu,cpuacct")
        #expect(found?.mounts["cpuacct"] == "/sys/fs/cgroup/cpu,cpuacct")
        #expect(found?.mounts["memory"] == "/sys/fs/cgroup/memory")
        #expect(found?.mountPoints.count == 4)
        #expect(found?.cgroup("/podctl/pod1").procsFiles.contains("/sys/fs/cgroup/pids/podctl/pod1/cgroup.procs") == true)
    }

    @Test func unifiedWithControllers() {
        let info = "25 1 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
        let found = CgroupHierarchy.detect(mountinfo: info) { $0 == "/sys/fs/cgroup" ? "cpuset cpu io memory hugetlb pids rdma misc\n" : nil }
        #expect(found == CgroupHierarchy(version: .v2, mounts: ["cpu": "/sys/fs/cgroup", "memory": "/sys/fs/cgroup", "pids": "/sys/fs/cgroup"]))
        #expect(found?.cgroup("/podctl/pod1/ctr_web").procsFiles == ["/sys/fs/cgroup/podctl/pod1/ctr_web/cgroup.procs"])
    }

    @Test func noCgroupFilesystem() {
        #expect(CgroupHierarchy.detect(mountinfo: "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n") { _ in nil } == nil)
    }

    @Test func layoutAndRoot() {
        let layout = CgroupLayout(root: "/podctl-test/x/", podUID: "1234")
        #expect(layout.pod == "/podctl-test/x/pod1234")
        #expect(layout.sandbox == "/podctl-test/x/pod1234/sandbox")
        #expect(layout.container("tasks") == "/podctl-test/x/pod1234/ctr_tasks")
        #expect(CgroupLayout.root(environment: [:]) == "/podctl")
        #expect(CgroupLayout.root(environment: ["PODCTL_CGROUP_ROOT": "a/b"]) == "/a/b")
        #expect(CgroupLayout.root(environment: ["PODCTL_CGROUP_ROOT": "/a/../b"]) == nil)
        #expect(CgroupLayout.root(environment: ["PODCTL_CGROUP_ROOT": "/"]) == nil)
    }
}
