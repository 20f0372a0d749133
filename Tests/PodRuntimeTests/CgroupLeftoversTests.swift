import Foundation
import PodCgroups
@testable import PodRuntime
import Testing

/// #14 finding 6: a cgroup delete could not remove is recorded, and the next reclaim
/// removes it with its record; a record stays while its cgroup does; a damaged record
/// never aims the kill at anything but a pod cgroup. A directory tree stands in for
/// the hierarchy (no root needed): a file in it keeps rmdir failing as a busy cgroup would.
@Suite struct CgroupLeftoversTests {
    @Test func aRecordStaysWhileItsCgroupDoesAndGoesWithIt() throws {
        let base = NSTemporaryDirectory() + "leftovers-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let mount = base + "/hierarchy"
        let leftovers = CgroupLeftovers(root: base + "/state", hierarchy: CgroupHierarchy(version: .v1, mounts: ["pids": mount]))
        let path = "/podctl/pod1234"
        try FileManager.default.createDirectory(atPath: mount + path + "/ctr_app", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: mount + path + "/ctr_app/busy", contents: Data())
        try leftovers.record(path)
        #expect(leftovers.recorded() == [path])

        #expect(leftovers.reclaim(seconds: 0.1).isEmpty)
        #expect(leftovers.recorded() == [path], "kept while the cgroup is there")

        try FileManager.default.removeItem(atPath: mount + path + "/ctr_app/busy")
        #expect(leftovers.reclaim(seconds: 0.1) == [path])
        #expect(!FileManager.default.fileExists(atPath: mount + path))
        #expect(leftovers.recorded().isEmpty)
    }

    @Test(arguments: ["/", "/podctl", "/podctl/../etc/pod1", "relative/pod1", "/podctl/pod"])
    func aDamagedRecordIsDroppedUntouched(_ path: String) {
        #expect(!CgroupLeftovers.isPodCgroup(path))
    }

    @Test func podCgroupsAreRecognised() {
        #expect(CgroupLeftovers.isPodCgroup("/podctl/pod0f3c-11"))
        #expect(CgroupLeftovers.isPodCgroup("/podctl-test-abc/pod1"))
    }
}
