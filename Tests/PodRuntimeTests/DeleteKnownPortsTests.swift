import Foundation
import PodTestSupport
import Testing

/// delete without listing nftables (#15 item 7): the supervisor deletes the map elements
/// it published by key in one transaction; one removed behind its back fails that
/// transaction, and the maps are then listed to find the rest. Either way nothing of
/// the pod is left.
@Suite(.serialized) struct DeleteKnownPortsTests {
    static func pod(_ name: String) -> String {
        Harness.busyboxPod(name, container: "command: [\"sleep\", \"1000\"]\nports: [{containerPort: 80, hostPort: 18090}, {containerPort: 81, hostPort: 18091}]")
    }

    func expectNothingLeft(_ harness: Harness, _ name: String) throws {
        #expect(!(try harness.run(["ip", "-br", "link"], podctl: false).stdout.contains("podv")))
        let map = try harness.run(["nft", "list", "map", "inet", "podctl", "hostports"], podctl: false).stdout
        #expect(!map.contains("18090") && !map.contains("18091"), "\(map)")
        let leases = try String(contentsOfFile: harness.base + "/lib/network/leases.json", encoding: .utf8)
        #expect(!leases.contains(name))
    }

    @Test(.needsRoot) func deleteRemovesThePublishedPortsItKnows() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pod("known"))
        try harness.waitForRunning("known", containers: ["c"])
        #expect(try harness.run(["nft", "list", "map", "inet", "podctl", "hostports"], podctl: false).stdout.contains("18091"))
        #expect(try harness.run(["delete", "pod", "known"]).status == 0)
        try expectNothingLeft(harness, "known")
    }

    @Test(.needsRoot) func anElementRemovedByHandFallsBackToListing() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pod("tampered"))
        try harness.waitForRunning("tampered", containers: ["c"])
        let removed = try harness.run(["nft", "delete", "element", "inet", "podctl", "hostports", "{ tcp . 18090 }"], podctl: false)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try harness.run(["delete", "pod", "tampered"]).status == 0)
        try expectNothingLeft(harness, "tampered")
    }
}
