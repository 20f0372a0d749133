import Foundation
import Testing
import PodCore
@testable import PodNetwork

/// The nftables text against golden files in Golden/. `UPDATE_GOLDEN=1 swift test …`
/// rewrites them; review the diff before committing.
@Suite struct RulesetTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func compare(_ text: String, _ name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "rendering differs from Golden/\(name)")
    }

    static let entries = [
        PortMapEntry(port: HostPort(.tcp, hostPort: 8080, containerPort: 80), podIP: IPv4Address("10.88.0.2")!, pod: "default/web"),
        PortMapEntry(port: HostPort(.udp, hostPort: 5353, containerPort: 53), podIP: IPv4Address("10.88.0.2")!, pod: "default/web"),
        PortMapEntry(port: HostPort(.tcp, hostPort: 443, containerPort: 8443), podIP: IPv4Address("10.88.0.2")!, pod: "default/web"),
        PortMapEntry(port: HostPort(.tcp, hostIP: IPv4Address("192.168.1.5"), hostPort: 9090, containerPort: 90), podIP: IPv4Address("10.88.0.2")!, pod: "default/web"),
    ]

    @Test func theBaseTable() throws {
        try compare(NftRuleset.base(bridge: "podctl0", subnet: NetworkConfig.defaultSubnet), "base.nft")
    }

    @Test func theBaseTableFollowsBridgeAndSubnet() throws {
        try compare(NftRuleset.base(bridge: "br-test", subnet: IPv4Subnet("172.30.64.0/20")!), "base-custom.nft")
    }

    @Test func addingElements() throws {
        try compare(NftRuleset.addElements(Self.entries), "add-elements.nft")
    }

    @Test func deletingElements() throws {
        try compare(NftRuleset.deleteElements(Self.entries), "delete-elements.nft")
    }

    @Test func theRuleCountDoesNotDependOnPods() {
        // The rules are a function of bridge and subnet only; ports are map elements.
        let rules = NftRuleset.base(bridge: "podctl0", subnet: NetworkConfig.defaultSubnet)
        #expect(!rules.contains("create element") && !rules.contains("add element"))
        #expect(NftRuleset.addElements([]) == "")
    }

    @Test func elementsAreReadBackFromLibnftablesJSON() throws {
        // Captured from `nft -j list map` (nftables 1.0.6); one element without a comment.
        let wildcard = """
            {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"map": {"family": "inet", "name": "hostports", "table": "podctl", "type": ["inet_proto", "inet_service"], "handle": 4, "map": "ipv4_addr . inet_service", "elem": [[{"elem": {"val": {"concat": ["udp", 53]}, "comment": "default/a"}}, {"concat": ["10.88.0.2", 53]}], [{"concat": ["tcp", 8080]}, {"concat": ["10.88.0.3", 80]}]]}}]}
            """
        let entries = try Nftables.parseElements(json: wildcard, hostIP: false)
        #expect(entries == [
            PortMapEntry(port: HostPort(.udp, hostPort: 53, containerPort: 53), podIP: IPv4Address("10.88.0.2")!, pod: "default/a"),
            PortMapEntry(port: HostPort(.tcp, hostPort: 8080, containerPort: 80), podIP: IPv4Address("10.88.0.3")!, pod: ""),
        ])
        let specific = """
            {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"map": {"family": "inet", "name": "hostip_ports", "table": "podctl", "type": ["ipv4_addr", "inet_proto", "inet_service"], "handle": 5, "map": "ipv4_addr . inet_service", "elem": [[{"elem": {"val": {"concat": ["192.168.1.5", "tcp", 9090]}, "comment": "ns/b"}}, {"concat": ["10.88.0.3", 90]}]]}}]}
            """
        #expect(try Nftables.parseElements(json: specific, hostIP: true) == [
            PortMapEntry(port: HostPort(.tcp, hostIP: IPv4Address("192.168.1.5"), hostPort: 9090, containerPort: 90), podIP: IPv4Address("10.88.0.3")!, pod: "ns/b"),
        ])
        let empty = """
            {"nftables": [{"metainfo": {"version": "1.0.6"}}, {"map": {"family": "inet", "name": "hostports", "table": "podctl", "type": ["inet_proto", "inet_service"], "handle": 4, "map": "ipv4_addr . inet_service"}}]}
            """
        #expect(try Nftables.parseElements(json: empty, hostIP: false).isEmpty)
        #expect(throws: PodError.self) { try Nftables.parseElements(json: "nonsense", hostIP: false) }
    }
}
