import Foundation
import Glibc
import PodCgroups
import PodCore
import PodDNS
import PodNetwork
import PodOS
import PodPlan
@testable import PodRuntime
import PodStore
import PodTestSupport
import Testing

/// The deciding logic of delete's lean path (D79), without root: what of the network is
/// known to be published, what the names files keep, when a cgroup listing is proof, and
/// that the concurrent release's errors come back.
@Suite struct DeleteRulesTests {
    static func plan(ports: [PortPlan], hostNetwork: Bool = false) -> RunPlan {
        RunPlan(namespace: "default", name: "web", uid: "u", hostname: "web", sharePID: false, restartPolicy: "Always",
                terminationGracePeriodSeconds: 30, sandboxMounts: [], initContainers: [], containers: [],
                helperPath: "", pausePath: "", initPath: "", statusPath: "", logDirectory: "", containerDirectory: "",
                network: NetworkPlan(hostNetwork: hostNetwork, root: "/r", bridge: "podctl0", subnet: "10.88.0.0/16",
                                     podIP: hostNetwork ? nil : "10.88.0.2", ports: ports))
    }

    static func attached(_ address: String?) -> PodStatusRecord {
        var status = PodStatusRecord()
        status.podIP = address
        return status
    }

    static let ports = [PortPlan(proto: "TCP", hostIP: nil, hostPort: 18080, containerPort: 80),
                        PortPlan(proto: "UDP", hostIP: "127.0.0.1", hostPort: 5353, containerPort: 53)]

    @Test func anAttachedPodsPortsAreDeletedByKey() throws {
        let release = NetworkRelease.decide(plan: Self.plan(ports: Self.ports), planReadable: true, status: Self.attached("10.88.0.2"))
        let expected = [try HostPort(protocolName: "TCP", hostIP: nil, hostPort: 18080, containerPort: 80),
                        try HostPort(protocolName: "UDP", hostIP: "127.0.0.1", hostPort: 5353, containerPort: 53)]
        #expect(release == .published(expected))
        #expect(release.known == expected)
    }

    @Test func withoutARecordedAttachTheMapsAreListed() {
        // The supervisor died during its attach, or the sandbox failed before it.
        #expect(NetworkRelease.decide(plan: Self.plan(ports: Self.ports), planReadable: true, status: Self.attached(nil)) == .unknown)
        #expect(NetworkRelease.decide(plan: Self.plan(ports: Self.ports), planReadable: true, status: nil) == .unknown)
        #expect(NetworkRelease.unknown.known == nil)
    }

    @Test func aDamagedOrMissingPlanListsTheMaps() {
        #expect(NetworkRelease.decide(plan: nil, planReadable: false, status: Self.attached("10.88.0.2")) == .unknown)
        #expect(NetworkRelease.decide(plan: nil, planReadable: true, status: Self.attached("10.88.0.2")) == .unknown)
    }

    @Test func aPortThatDoesNotParseListsTheMaps() {
        let odd = [PortPlan(proto: "SCTP", hostIP: nil, hostPort: 9, containerPort: 9)]
        #expect(NetworkRelease.decide(plan: Self.plan(ports: odd), planReadable: true, status: Self.attached("10.88.0.2")) == .unknown)
    }

    @Test func aHostNetworkPodPublishedNothing() {
        #expect(NetworkRelease.decide(plan: Self.plan(ports: Self.ports, hostNetwork: true), planReadable: true, status: nil) == .published([]))
    }

    static let names = """
        # podctl pod names: ADDRESS NAME... (docs/network.md, "Names")
        10.88.0.2 web web.default
        10.88.0.3 plain plain.default
        10.88.0.20 other other.default

        """

    @Test func aDeletedPodLeavesItsRowsAndItsClientKey() throws {
        let after = PodNamesAfterDelete.dropping(try PodKey(namespace: "default", name: "web"), address: "10.88.0.2",
                                                 names: Self.names, clients: "default/web\ndefault/other\n")
        #expect(after.names == Self.names.replacingOccurrences(of: "10.88.0.2 web web.default\n", with: ""))
        #expect(after.clients == "default/other\n")
        #expect(after.responderNeeded)
        // The table pod-dns reads no longer has it, and still has the others.
        let table = PodNameTable(parsing: after.names)
        #expect(table.addresses["web"] == nil && table.addresses["other"] == [[10, 88, 0, 20]])
    }

    @Test func theLastClientStopsTheResponderEvenWithPodsLeft() throws {
        // "plain" (dnsPolicy Default) keeps its row but does not use the responder.
        let after = PodNamesAfterDelete.dropping(try PodKey(namespace: "default", name: "web"), address: "10.88.0.2",
                                                 names: Self.names, clients: "default/web\n")
        #expect(!after.responderNeeded && after.clients.isEmpty)
        #expect(after.names.contains("10.88.0.3 plain"))
    }

    @Test func aPodWithoutAnAddressDropsNoRow() throws {
        let after = PodNamesAfterDelete.dropping(try PodKey(namespace: "default", name: "host"), address: nil,
                                                 names: Self.names, clients: "default/host\ndefault/web\n")
        #expect(after.names == Self.names && after.clients == "default/web\n" && after.responderNeeded)
    }

    @Test func oneEmptyListingIsProofOnlyWhenNothingCouldFork() {
        #expect(Cgroup.emptyRoundsNeeded(frozen: true, killedByKernel: false) == 1)
        #expect(Cgroup.emptyRoundsNeeded(frozen: false, killedByKernel: true) == 1)
        #expect(Cgroup.emptyRoundsNeeded(frozen: false, killedByKernel: false) == 2)
    }

    @Test func subdirectoriesComeFromTheEntryTypesAndSymlinksAreNotFollowed() throws {
        let directory = TemporaryDirectory("subdirectories")
        try Files.makeDirectories(directory.path + "/b")
        try Files.makeDirectories(directory.path + "/a/deeper")
        try AtomicFile.write("x", to: directory.path + "/file")
        #expect(symlink(directory.path + "/a", directory.path + "/link") == 0)
        #expect(Files.subdirectories(directory.path) == ["a", "b"])
        #expect(Files.subdirectories(directory.path + "/missing").isEmpty)
    }

    @Test func theConcurrentWorkRunsBesideTheCallerAndItsErrorsComeBack() {
        let started = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        let work = ConcurrentWork {
            started.signal()
            // Waits for the caller to go on: only work that runs beside it sees that.
            let beside = proceed.wait(timeout: .now() + 10) == .success
            return [PodError(.system, beside ? "nftables said no" : "ran alone")]
        }
        started.wait()
        proceed.signal()
        #expect(work.finish().map(\.message) == ["nftables said no"])
    }
}
