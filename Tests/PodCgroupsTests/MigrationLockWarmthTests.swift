@testable import PodCgroups
import Testing

/// Which cgroup.procs a process touches to start the migration lock's grace period early:
/// its own cgroup's, in the pids hierarchy (else memory's), on v1 only.
@Suite struct MigrationLockWarmthTests {
    static let v1 = CgroupHierarchy(version: .v1, mounts: ["pids": "/sys/fs/cgroup/pids", "memory": "/sys/fs/cgroup/memory", "cpu": "/sys/fs/cgroup/cpu,cpuacct"])
    static let procSelf = """
        12:pids:/system.slice/podctl-cri.service
        7:cpu,cpuacct:/system.slice/podctl-cri.service
        4:memory:/system.slice
        0::/system.slice/podctl-cri.service
        """

    @Test func theOwnPidsCgroupOnV1() {
        #expect(MigrationLockWarmth(hierarchy: Self.v1, procSelfCgroup: Self.procSelf).procsFile
            == "/sys/fs/cgroup/pids/system.slice/podctl-cri.service/cgroup.procs")
    }

    @Test func memoryWhenThereIsNoPidsHierarchyAndTheRootCgroup() {
        let memoryOnly = CgroupHierarchy(version: .v1, mounts: ["memory": "/sys/fs/cgroup/memory"])
        #expect(MigrationLockWarmth(hierarchy: memoryOnly, procSelfCgroup: Self.procSelf).procsFile == "/sys/fs/cgroup/memory/system.slice/cgroup.procs")
        #expect(MigrationLockWarmth(hierarchy: memoryOnly, procSelfCgroup: "4:memory:/\n").procsFile == "/sys/fs/cgroup/memory/cgroup.procs")
    }

    @Test func nothingOnV2WithoutCgroupsOrForAPathThatIsNotPlain() {
        let v2 = CgroupHierarchy(version: .v2, mounts: ["pids": "/sys/fs/cgroup", "memory": "/sys/fs/cgroup"])
        #expect(MigrationLockWarmth(hierarchy: v2, procSelfCgroup: Self.procSelf).procsFile == nil)
        #expect(MigrationLockWarmth(hierarchy: nil, procSelfCgroup: Self.procSelf).procsFile == nil)
        #expect(MigrationLockWarmth(hierarchy: Self.v1, procSelfCgroup: "12:pids:/a/../../etc\n").procsFile == nil)
        #expect(MigrationLockWarmth(hierarchy: Self.v1, procSelfCgroup: "12:pids:relative\n").procsFile == nil)
        #expect(MigrationLockWarmth(hierarchy: Self.v1, procSelfCgroup: "").procsFile == nil)
        // touch() without a file does nothing (and does not crash).
        MigrationLockWarmth(hierarchy: nil, procSelfCgroup: "").touch()
    }
}
