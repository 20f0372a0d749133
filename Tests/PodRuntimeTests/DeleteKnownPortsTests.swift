import Foundation
import Glibc
import PodTestSupport
import Testing

/// delete without listing nftables (#15 item 7, D79): delete removes the map elements the
/// supervisor published (the run plan's hostPorts, once the status records the attach) by
/// key in one transaction, on a thread beside the removal of the state; one removed behind
/// its back fails that transaction, and the maps are then listed to find the rest; a run
/// plan that does not read lists them too. Either way nothing of the pod is left.
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
        let names = (try? String(contentsOfFile: harness.base + "/lib/network/dns/names", encoding: .utf8)) ?? ""
        #expect(!names.contains(" \(name) "), "\(names)")
        let clients = (try? String(contentsOfFile: harness.base + "/lib/network/dns/clients", encoding: .utf8)) ?? ""
        #expect(!clients.contains("/\(name)\n"), "\(clients)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.base + "/lib/pods").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.base + "/run/pods").isEmpty)
        let cgroups = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup/pids" + harness.cgroupRoot)) ?? []
        #expect(!cgroups.contains { $0.hasPrefix("pod") }, "\(cgroups)")
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

    @Test(.needsRoot) func aKilledSupervisorsPodGivesItsPortsBackByKey() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pod("orphaned"))
        try harness.waitForRunning("orphaned", containers: ["c"])
        let supervisor = pid_t(try harness.status("orphaned")["supervisorPID"] as? Int ?? 0)
        kill(supervisor, SIGKILL)
        try harness.waitFor("Unknown") { try harness.run(["get", "pods"]).stdout.contains("Unknown") }
        #expect(try harness.run(["delete", "pod", "orphaned"]).status == 0)
        try expectNothingLeft(harness, "orphaned")
    }

    @Test(.needsRoot) func aDamagedRunPlanListsTheMapsAndLeavesNothing() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pod("damaged"))
        try harness.waitForRunning("damaged", containers: ["c"])
        try "{ not a plan".write(toFile: harness.base + "/lib/pods/default/damaged/runplan.json", atomically: true, encoding: .utf8)
        let result = try harness.run(["delete", "pod", "damaged"])
        #expect(result.status == 0, "\(result.stderr)")
        try expectNothingLeft(harness, "damaged")
    }

    /// The same pod applied right after its delete gets its veth (same name), ports and a
    /// lease at once: nothing of the deleted one is in the way.
    @Test(.needsRoot) func aPodAppliedRightAfterItsDeleteStartsAtOnce() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pod("again"))
        try harness.waitForRunning("again", containers: ["c"])
        #expect(try harness.run(["delete", "pod", "again"]).status == 0)
        try harness.apply(Self.pod("again"))
        try harness.waitForRunning("again", containers: ["c"])
        #expect(try harness.run(["nft", "list", "map", "inet", "podctl", "hostports"], podctl: false).stdout.contains("18091"))
        #expect(try harness.run(["delete", "pod", "again"]).status == 0)
        try expectNothingLeft(harness, "again")
    }
}
