import PodCore
import PodNetwork
import PodStore
import PodTestSupport
import Testing

/// A pod's host veth is named by a 32-bit FNV-1a hash of its key, so a manifest can pick a
/// name whose interface name is another pod's: a birthday search finds a pair in about
/// 80 000 tries, a second preimage for a given victim in 2³² (seconds of CPU). The clash
/// must cost only the attacker's pod: its attach is refused, and the cleanup of that
/// refused attach, or its delete, must not take the victim's veth or lease with it.
@Suite(.serialized) struct VethNameClashTests {
    /// Found by a birthday search over `default/p<N>`: both hash to 0x97193b4b.
    static let victim = try! PodKey(namespace: "default", name: "p1232789")
    static let attacker = try! PodKey(namespace: "default", name: "p1429192")

    @Test func thePairReallyClashes() {
        #expect(PodNetwork.hostInterfaceName(for: Self.victim) == "podv97193b4b")
        #expect(PodNetwork.hostInterfaceName(for: Self.attacker) == "podv97193b4b")
    }

    @Test(.needsRoot("needs root (network namespaces, netlink, nftables)"))
    func aClashingPodIsRefusedAndItsCleanupLeavesTheVictimsVeth() throws {
        let state = TemporaryDirectory("podctl-clash")
        let host = try NamespaceHolder(), victimPause = try NamespaceHolder(), attackerPause = try NamespaceHolder()
        defer { for holder in [attackerPause, victimPause, host] { holder.stop() } }
        let network = PodNetwork(config: try NetworkConfig(root: state.path))
        let attached = try host.run { try network.attach(pod: Self.victim, pausePID: victimPause.pid) }

        let refused = #expect(throws: PodError.self) {
            try host.run { try network.attach(pod: Self.attacker, pausePID: attackerPause.pid) }
        }
        #expect(refused?.code == .alreadyExists)
        #expect(refused?.message.contains("belongs to podctl pod default/p1232789") == true, "\(refused?.message ?? "")")
        try host.run { try network.detach(pod: Self.attacker) }  // what delete of the attacker does

        let link = try host.command(["ip", "-d", "link", "show", attached.hostInterface])
        #expect(link.contains("alias podctl pod default/p1232789"), "\(link)")
        #expect(try network.ipam.leases() == [Self.victim: attached.podIP])
        try host.run { try network.detach(pod: Self.victim) }
        #expect(!(try host.command(["ip", "link", "show"]).contains("podv")))
        try host.run { try network.removeBridge() }
    }
}
