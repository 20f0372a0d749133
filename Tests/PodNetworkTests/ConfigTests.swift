import Foundation
import Testing
import PodCore
@testable import PodNetwork

@Suite struct AddressTests {
    @Test func parsesAndPrintsIPv4() {
        #expect(IPv4Address("10.88.0.1")?.description == "10.88.0.1")
        #expect(IPv4Address("10.88.0.1")?.bytes == [10, 88, 0, 1])
        for bad in ["10.88.0", "10.88.0.256", "10.88..1", " 10.0.0.1", "1.2.3.4.5", "a.b.c.d", "::1", "0010.0.0.1"] {
            #expect(IPv4Address(bad) == nil, "\(bad)")
        }
        #expect(IPv4Address(networkBytes: [192, 168, 1, 2]) == IPv4Address(192, 168, 1, 2))
    }

    @Test func subnetsContainAndOverlap() throws {
        let pods = try #require(IPv4Subnet("10.88.0.0/16"))
        #expect(pods.contains(IPv4Address("10.88.255.255")!))
        #expect(!pods.contains(IPv4Address("10.89.0.0")!))
        #expect(pods.last == IPv4Address("10.88.255.255"))
        #expect(pods.size == 65536)
        #expect(IPv4Subnet("10.88.0.1/16") == nil)  // host bits set
        #expect(IPv4Subnet("10.88.0.0/33") == nil)
        #expect(pods.overlaps(IPv4Subnet("10.0.0.0/8")!))
        #expect(pods.overlaps(IPv4Subnet("10.88.3.0/24")!))
        #expect(!pods.overlaps(IPv4Subnet("10.89.0.0/16")!))
        #expect(IPv4Subnet.containing(IPv4Address("192.168.1.77")!, prefixLength: 24).description == "192.168.1.0/24")
    }

    @Test func theInterfaceConfigTravelsAsOneLine() throws {
        let config = PodInterfaceConfig(address: IPv4Address("10.88.0.7")!, prefixLength: 16, gateway: IPv4Address("10.88.0.1")!)
        #expect(config.encoded == "eth0 10.88.0.7/16 via 10.88.0.1")
        #expect(PodInterfaceConfig(encoded: config.encoded) == config)
        #expect(PodInterfaceConfig(encoded: "eth0 10.88.0.7 via 10.88.0.1") == nil)
        #expect(PodInterfaceConfig(encoded: "eth0 10.88.0.7/40 via 10.88.0.1") == nil)
    }
}

@Suite struct NetworkConfigTests {
    @Test func defaultsAndEnvironment() throws {
        let plain = try NetworkConfig.resolve(root: "/var/lib/podctl", environment: [:])
        #expect(plain.bridge == "podctl0")
        #expect(plain.subnet.description == "10.88.0.0/16")
        #expect(plain.gateway.description == "10.88.0.1")
        #expect(plain.stateDirectory == "/var/lib/podctl/network")
        let custom = try NetworkConfig.resolve(root: "/r", environment: ["PODCTL_BRIDGE": "br-pods", "PODCTL_SUBNET": "172.30.0.0/24"])
        #expect(custom.bridge == "br-pods")
        #expect(custom.gateway.description == "172.30.0.1")
    }

    @Test func badValuesAreRefusedWithTheVariableNamed() {
        let cases: [([String: String], String)] = [
            (["PODCTL_SUBNET": "10.88.0.1/16"], "did you mean 10.88.0.0/16?"),
            (["PODCTL_SUBNET": "fd00::/64"], "PODCTL_SUBNET=fd00::/64 is not an IPv4 network"),
            (["PODCTL_SUBNET": "10.0.0.0/31"], "leaves no address for a pod"),
            (["PODCTL_SUBNET": "127.1.0.0/16"], "not a unicast range"),
            (["PODCTL_BRIDGE": "a-name-that-is-too-long"], "at most 15 bytes"),
            (["PODCTL_BRIDGE": "br/0"], "PODCTL_BRIDGE"),
        ]
        for (environment, text) in cases {
            let error = #expect(throws: PodError.self) { try NetworkConfig.resolve(root: "/r", environment: environment) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(text) == true, "\(error?.message ?? "") should say \(text)")
        }
    }
}

@Suite struct SubnetOverlapTests {
    let pods = IPv4Subnet("10.88.0.0/16")!
    let names: [Int32: String] = [1: "lo", 2: "eth0", 3: "podctl0", 4: "wg0"]

    func route(_ text: String, dev: Int32 = 2, via: String? = nil, table: UInt32 = 254, type: UInt8 = 1) -> RouteInfo {
        RouteInfo(destination: IPv4Subnet(text)!, gateway: via.flatMap { IPv4Address($0) }, outputIndex: dev, table: table, type: type)
    }

    @Test func aHostRouteInsideOrAroundTheSubnetIsAConflict() {
        let host = [route("0.0.0.0/0", via: "192.168.1.1"), route("192.168.1.0/24"), route("10.0.0.0/8", dev: 4)]
        #expect(SubnetOverlap.conflict(for: pods, routes: host, bridgeIndex: nil, interfaceNames: names) == "route 10.0.0.0/8 dev wg0")
        let inside = [route("10.88.42.0/24", via: "192.168.1.9")]
        #expect(SubnetOverlap.conflict(for: pods, routes: inside, bridgeIndex: nil, interfaceNames: names) == "route 10.88.42.0/24 via 192.168.1.9 dev eth0")
        let otherTable = [route("10.88.0.0/16", table: 100)]
        #expect(SubnetOverlap.conflict(for: pods, routes: otherTable, bridgeIndex: nil)?.contains("table 100") == true)
    }

    @Test func defaultRoutesLocalEntriesAndTheBridgeItselfAreNot() {
        let routes = [
            route("0.0.0.0/0", via: "192.168.1.1"),
            route("192.168.1.0/24"),
            route("10.88.0.0/16", dev: 3),  // the bridge's own
            route("127.0.0.0/8", dev: 1, table: 255, type: 2),  // local table
            route("10.88.0.1/32", dev: 3, table: 255, type: 2),
            route("10.255.255.255/32", dev: 2, table: 255, type: 3),  // broadcast
        ]
        #expect(SubnetOverlap.conflict(for: pods, routes: routes, bridgeIndex: 3) == nil)
        #expect(SubnetOverlap.conflict(for: IPv4Subnet("192.168.0.0/16")!, routes: routes, bridgeIndex: 3) == "route 192.168.1.0/24 dev #2")
    }

    @Test func anAddressInTheSubnetOnAnotherInterfaceIsAConflict() {
        let addresses = [AddressInfo(index: 2, address: IPv4Address("10.88.7.7")!, prefixLength: 32), AddressInfo(index: 3, address: IPv4Address("10.88.0.1")!, prefixLength: 16)]
        #expect(SubnetOverlap.conflict(for: pods, routes: [], addresses: addresses, bridgeIndex: 3, interfaceNames: names) == "address 10.88.7.7/32 dev eth0")
        #expect(SubnetOverlap.conflict(for: pods, routes: [], addresses: Array(addresses.dropFirst()), bridgeIndex: 3) == nil)
    }
}

@Suite struct HostPortTests {
    @Test func kubernetesFieldsBecomeHostPorts() throws {
        #expect(try HostPort(protocolName: nil, hostIP: nil, hostPort: 8080, containerPort: 80) == HostPort(.tcp, hostPort: 8080, containerPort: 80))
        #expect(try HostPort(protocolName: "UDP", hostIP: "0.0.0.0", hostPort: 53, containerPort: 5353).hostIP == nil)
        #expect(try HostPort(protocolName: "TCP", hostIP: "127.0.0.1", hostPort: 1, containerPort: 2).description == "127.0.0.1:1/tcp")
        #expect(throws: PodError.self) { try HostPort(protocolName: "SCTP", hostIP: nil, hostPort: 1, containerPort: 1) }
        #expect(throws: PodError.self) { try HostPort(protocolName: "TCP", hostIP: "::1", hostPort: 1, containerPort: 1) }
        #expect(throws: PodError.self) { try HostPort(protocolName: "TCP", hostIP: nil, hostPort: 70000, containerPort: 1) }
    }

    @Test func clashesFollowTheKubeletRule() {
        let any = HostPort(.tcp, hostPort: 80, containerPort: 80)
        let one = HostPort(.tcp, hostIP: IPv4Address("10.0.0.1"), hostPort: 80, containerPort: 80)
        let two = HostPort(.tcp, hostIP: IPv4Address("10.0.0.2"), hostPort: 80, containerPort: 80)
        #expect(any.clashes(with: one) && one.clashes(with: any))
        #expect(!one.clashes(with: two))
        #expect(one.clashes(with: one))
        #expect(!any.clashes(with: HostPort(.udp, hostPort: 80, containerPort: 80)))
        #expect(!any.clashes(with: HostPort(.tcp, hostPort: 81, containerPort: 80)))
    }

    @Test func hostInterfaceNamesFitAndDiffer() {
        let a = PodNetwork.hostInterfaceName(for: key("web"))
        let b = PodNetwork.hostInterfaceName(for: key("web", "prod"))
        #expect(a.count == 12 && a.hasPrefix("podv"))
        #expect(a != b)
        #expect(a == PodNetwork.hostInterfaceName(for: key("web")))
    }
}

/// pod-helper links PodNetlink and must stay free of Foundation and Dispatch (D13).
@Suite struct ModuleRuleTests {
    @Test func podNetlinkImportsNeitherFoundationNorDispatch() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/PodNetlink").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(!files.isEmpty)
        for file in files {
            let text = try String(contentsOfFile: sources.appendingPathComponent(file).path, encoding: .utf8)
            let imports = text.split(separator: "\n").filter { $0.hasPrefix("import ") || $0.contains(" import ") }
            for line in imports {
                #expect(!line.contains("Foundation") && !line.contains("Dispatch"), "\(file): \(line)")
            }
        }
    }
}
