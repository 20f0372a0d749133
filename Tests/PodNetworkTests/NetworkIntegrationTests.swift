import Foundation
import Glibc
import PodTestSupport
import Testing
import PodCore
import PodStore
@testable import PodNetwork

/// The whole pod network in throwaway namespaces (see Namespaces.swift):
///
///     client ns ── cl0 192.168.77.2 ═══ hc0 192.168.77.1 ── "host" ns ── podctl0 10.88.0.1/16
///                                                                         ├─ podv… ═══ eth0  pod A (10.88.0.x)
///                                                                         └─ podv… ═══ eth0  pod B
///
/// Each pod namespace is held by a process standing in for pause. The library runs on
/// threads inside the "host" namespace, `PodInterface.configure` on threads inside the
/// pods' (as pod-helper would after setns).
@Suite(.serialized) struct NetworkIntegrationTests {
    static let hostIP = IPv4Address("192.168.77.1")!
    static let clientIP = IPv4Address("192.168.77.2")!

    /// Links the client namespace to the host namespace with a veth pair (as a LAN would).
    func wireClient(host: NamespaceHolder, client: NamespaceHolder) throws {
        let clientPID = client.pid
        try host.run {
            let netlink = try NetlinkSocket()
            if let lo = try netlink.link(named: "lo") { try netlink.setUp(index: lo.index, name: "lo") }
            try netlink.createVeth("hc0", master: nil, mtu: 1500, peer: "cl0", peerNamespacePID: clientPID)
            let link = try #require(try netlink.link(named: "hc0"))
            try netlink.addAddress(Self.hostIP, prefixLength: 24, index: link.index, name: "hc0")
        }
        try client.run {
            try PodInterface.configure(PodInterfaceConfig(name: "cl0", address: Self.clientIP, prefixLength: 24, gateway: Self.hostIP))
        }
    }

    func ruleCount(_ host: NamespaceHolder) throws -> Int {
        try host.command(["nft", "list", "table", "inet", "podctl"]).split(separator: "\n").filter {
            $0.contains("dnat ") || $0.contains("masquerade")
        }.count
    }

    func elementCount(_ network: PodNetwork, _ host: NamespaceHolder) throws -> Int {
        try host.run { try network.publishedPorts().count }
    }

    @Test(.needsRoot("needs root (network namespaces, netlink, nftables)")) func podsTalkPortsArePublishedAndNothingIsLeftBehind() throws {
        let machineForwarding = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8)
        let machineTables = try Integration.machine(["nft", "list", "tables"])
        let machineLinks = try Integration.machine(["ip", "-br", "link"])
        let state = TemporaryDirectory("podctl-net")
        let host = try NamespaceHolder(), client = try NamespaceHolder()
        let podA = try NamespaceHolder(), podB = try NamespaceHolder()
        defer { for holder in [podA, podB, client, host] { holder.stop() } }
        try wireClient(host: host, client: client)

        let network = PodNetwork(config: try NetworkConfig(root: state.path))
        let a = key("pod-a"), b = key("pod-b")

        // Pod A: veth + lease + in-pod configuration + one published port, timed.
        var started = Date()
        let attachmentA = try host.run { try network.attach(pod: a, pausePID: podA.pid) }
        try podA.run { try PodInterface.configure(attachmentA.interface) }
        try host.run { try network.publish([HostPort(.tcp, hostPort: 8080, containerPort: 80), HostPort(.udp, hostPort: 5353, containerPort: 53)], for: a) }
        let firstPod = Date().timeIntervalSince(started)
        started = Date()
        try host.run { _ = try network.ensureBridge() }
        let ensureAgain = Date().timeIntervalSince(started)
        started = Date()
        let attachmentB = try host.run { try network.attach(pod: b, pausePID: podB.pid) }
        let attached = Date()
        try podB.run { try PodInterface.configure(attachmentB.interface) }
        let configured = Date()
        try host.run { try network.publish([HostPort(.tcp, hostIP: Self.hostIP, hostPort: 8081, containerPort: 80)], for: b) }
        let secondPod = Date().timeIntervalSince(started)
        func ms(_ seconds: TimeInterval) -> String { String(format: "%.1f ms", seconds * 1000) }
        print("pod network setup: first pod (bridge + nft table included) \(ms(firstPod)); second pod \(ms(secondPod)): attach (lease + veth) \(ms(attached.timeIntervalSince(started))), eth0 address + route in the pod \(ms(configured.timeIntervalSince(attached))), one map entry \(ms(Date().timeIntervalSince(configured))); ensureBridge when all is there \(ms(ensureAgain))")

        #expect(attachmentA.podIP == IPv4Address("10.88.0.2"))
        #expect(attachmentB.podIP == IPv4Address("10.88.0.3"))
        #expect(try network.podIP(of: a) == attachmentA.podIP)
        #expect(attachmentA.interface.encoded == "eth0 10.88.0.2/16 via 10.88.0.1")

        // The kernel's view.
        let links = try host.command(["ip", "-d", "link", "show"])
        #expect(links.contains("podctl0:") && links.contains("bridge"))
        #expect(links.contains(attachmentA.hostInterface + "@") && links.contains("alias podctl pod default/pod-a"))
        #expect(links.contains("hairpin on"))
        let podLinks = try podA.command(["ip", "-d", "link", "show", "eth0"])
        #expect(podLinks.contains("eth0@") && podLinks.contains("mtu 1500") && podLinks.contains("veth"))
        #expect(try podA.command(["ip", "-4", "addr", "show", "eth0"]).contains("inet 10.88.0.2/16"))
        #expect(try podA.command(["ip", "route"]).contains("default via 10.88.0.1 dev eth0"))
        #expect(try host.command(["cat", "/proc/sys/net/ipv4/ip_forward"]) == "1\n")
        #expect(try host.command(["cat", "/proc/sys/net/ipv4/conf/podctl0/route_localnet"]) == "1\n")

        let serverA = try WordServer(in: podA, port: 80, word: "pod-a")
        let serverB = try WordServer(in: podB, port: 80, word: "pod-b")
        let udpA = try WordServer(in: podA, port: 53, word: "pod-a-udp")
        defer { serverA.stop(); serverB.stop(); udpA.stop() }
        let ipA = attachmentA.podIP

        func answers(_ holder: NamespaceHolder, _ ip: IPv4Address, _ port: UInt16, _ word: String, udp: Bool = false) throws {
            try waitUntil("\(word) at \(ip):\(port) from namespace \(holder.pid)", timeout: 10) {
                try holder.run { udp ? Sockets.fetchUDP(ip, port) : Sockets.fetchTCP(ip, port) } == word + "\n"
            }
        }
        // Pod to pod over the bridge.
        try answers(podB, ipA, 80, "pod-a")
        // hostPort from another machine (the client namespace), on the host's address.
        try answers(client, Self.hostIP, 8080, "pod-a")
        try answers(client, Self.hostIP, 5353, "pod-a-udp", udp: true)
        // hostPort from the host itself, on 127.0.0.1 and on its own address.
        try answers(host, IPv4Address("127.0.0.1")!, 8080, "pod-a")
        try answers(host, Self.hostIP, 8080, "pod-a")
        // Hairpin: a pod reaching a published port, another pod's and its own.
        try answers(podB, Self.hostIP, 8080, "pod-a")
        try answers(podA, IPv4Address("10.88.0.1")!, 8080, "pod-a")
        // hostIP honoured: 8081 answers on 192.168.77.1 only.
        try answers(client, Self.hostIP, 8081, "pod-b")
        #expect(try host.run { Sockets.fetchTCP(IPv4Address("127.0.0.1")!, 8081, timeout: 300) } == nil)
        // Pods reach beyond the host, masqueraded: the client sees the host's address.
        let clientSeen = try client.run { try Sockets.listener(port: 7000) }
        defer { close(clientSeen) }
        #expect(try podB.run { Sockets.fetchTCP(Self.clientIP, 7000, timeout: 300) } == nil)  // accepted, never answered
        var peer = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        var pending = pollfd(fd: clientSeen, events: Int16(POLLIN), revents: 0)
        #expect(poll(&pending, 1, 5000) == 1)
        let accepted = pending.revents == 0 ? -1 : withUnsafeMutablePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(clientSeen, $0, &length) } }
        #expect(accepted >= 0)
        if accepted >= 0 { close(accepted) }
        #expect(IPv4Address(UInt32(bigEndian: peer.sin_addr.s_addr)) == Self.hostIP)

        // Conflicts: a port another pod has, a port a host process holds; nothing is added.
        let rulesBefore = try ruleCount(host)
        let elementsBefore = try elementCount(network, host)
        let taken = #expect(throws: PodError.self) {
            try host.run { try network.publish([HostPort(.tcp, hostPort: 8082, containerPort: 80), HostPort(.tcp, hostPort: 8080, containerPort: 80)], for: b) }
        }
        #expect(taken?.code == .alreadyExists)
        #expect(taken?.message.contains("hostPort 8080/tcp") == true && taken?.message.contains("pod default/pod-a") == true)
        let holderSocket = try host.run { try Sockets.listener(port: 9090) }
        let held = #expect(throws: PodError.self) { try host.run { try network.publish([HostPort(.tcp, hostPort: 9090, containerPort: 80)], for: b) } }
        close(holderSocket)
        #expect(held?.message.contains("hostPort 9090/tcp") == true && held?.message.contains("process \(getpid())") == true, "\(held?.message ?? "")")
        #expect(try elementCount(network, host) == elementsBefore)
        #expect(try ruleCount(host) == rulesBefore)

        // A hundred more ports: only map elements grow, the rule count stays.
        let hundred = (0..<100).map { HostPort(.tcp, hostPort: UInt16(20000 + $0), containerPort: 80) }
        started = Date()
        try host.run { try network.publish(hundred, for: b) }
        let batch = Date().timeIntervalSince(started)
        started = Date()
        try host.run { for index in 0..<100 { try network.publish([HostPort(.udp, hostPort: UInt16(21000 + index), containerPort: 53)], for: b) } }
        let oneByOne = Date().timeIntervalSince(started)
        let rulesAfter = try ruleCount(host)
        #expect(rulesAfter == rulesBefore)
        #expect(try elementCount(network, host) == elementsBefore + 200)
        try answers(client, Self.hostIP, 20042, "pod-b")
        print("hostPort map: 100 entries in one transaction \(ms(batch)), 100 entries one by one \(ms(oneByOne)); rules \(rulesBefore) before, \(rulesAfter) after; elements \(elementsBefore) → \(elementsBefore + 200)")

        // A chain flushed behind podctl's back is refilled by the next ensureBridge; elements stay.
        try host.command(["nft", "flush", "chain", "inet", "podctl", "postrouting"])
        #expect(try ruleCount(host) == rulesBefore - 3)
        try host.run { _ = try network.ensureBridge() }
        #expect(try ruleCount(host) == rulesBefore)
        #expect(try elementCount(network, host) == elementsBefore + 200)

        // Removing pod A removes its veth pair, its map elements and its lease.
        try host.run { try network.detach(pod: a) }
        let linksAfter = try host.command(["ip", "-d", "link", "show"])
        #expect(!linksAfter.contains(attachmentA.hostInterface) && !linksAfter.contains("pod-a"))
        #expect(!(try podA.command(["ip", "link", "show"]).contains("eth0")))
        let ruleset = try host.command(["nft", "list", "ruleset"])
        #expect(!ruleset.contains("pod-a") && !ruleset.contains("10.88.0.2 "))
        #expect(ruleset.contains("default/pod-b"))
        #expect(!(try String(contentsOfFile: network.ipam.leaseFile, encoding: .utf8)).contains("pod-a"))
        #expect(try host.run { Sockets.fetchTCP(Self.hostIP, 8080, timeout: 300) } == nil)
        // Again: nothing left to remove is not an error.
        try host.run { try network.detach(pod: a) }

        // Pod B was "deleted" behind podctl's back: reclaim cleans up after it.
        #expect(try host.run { try network.reclaim(keeping: []) } == [b])
        let clean = try host.command(["ip", "-d", "link", "show"])
        #expect(!clean.contains("podv"))
        #expect(!(try host.command(["nft", "list", "ruleset"]).contains("pod-b")))
        #expect(try network.ipam.leases().isEmpty)
        try host.run { try network.removeBridge() }
        #expect(!(try host.command(["ip", "link", "show"]).contains("podctl0")))
        #expect(!(try host.command(["nft", "list", "ruleset"]).contains("podctl")))

        // The machine's own namespace was never touched.
        #expect(try String(contentsOfFile: "/proc/sys/net/ipv4/ip_forward", encoding: .utf8) == machineForwarding)
        #expect(try Integration.machine(["nft", "list", "tables"]) == machineTables)
        #expect(try Integration.machine(["ip", "-br", "link"]) == machineLinks)
    }

    @Test(.needsRoot("needs root (network namespaces, netlink, nftables)")) func aSubnetOverlappingAHostRouteIsRefusedAndCreatesNothing() throws {
        let state = TemporaryDirectory("podctl-net")
        let host = try NamespaceHolder()
        defer { host.stop() }
        try host.run {
            let netlink = try NetlinkSocket()
            try netlink.createVeth("ov0", master: nil, mtu: 1500, peer: "ov1", peerNamespacePID: nil)
            let link = try #require(try netlink.link(named: "ov0"))
            try netlink.addAddress(IPv4Address("10.88.5.1")!, prefixLength: 24, index: link.index, name: "ov0")
            try netlink.setUp(index: link.index, name: "ov0")
        }
        let overlapping = PodNetwork(config: try NetworkConfig(root: state.path))
        let error = #expect(throws: PodError.self) { try host.run { try overlapping.ensureBridge() } }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("the pod subnet 10.88.0.0/16 overlaps route 10.88.5.0/24 dev ov0") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("PODCTL_SUBNET") == true)
        #expect(!(try host.command(["ip", "link", "show"]).contains("podctl0")))
        #expect(!(try host.command(["nft", "list", "ruleset"]).contains("podctl")))

        // Another subnet works; the same bridge with a third subnet is refused by name.
        let other = PodNetwork(config: try NetworkConfig(root: state.path, subnet: IPv4Subnet("10.99.0.0/16")!))
        let bridge = try host.run { try other.ensureBridge() }
        #expect(bridge.gateway == IPv4Address("10.99.0.1"))
        #expect(try host.run { try other.ensureBridge() } == bridge)  // idempotent
        let third = PodNetwork(config: try NetworkConfig(root: state.path, subnet: IPv4Subnet("10.98.0.0/16")!))
        let moved = #expect(throws: PodError.self) { try host.run { try third.ensureBridge() } }
        #expect(moved?.message.contains("bridge podctl0 has address 10.99.0.1/16") == true, "\(moved?.message ?? "")")
        // A pause that is gone: attach fails and leaves no lease and no link.
        let gone = try NamespaceHolder()
        let gonePID = gone.pid
        gone.stop()
        #expect(throws: PodError.self) { try host.run { try other.attach(pod: key("ghost"), pausePID: gonePID) } }
        #expect(try other.ipam.leases().isEmpty)
        #expect(!(try host.command(["ip", "link", "show"]).contains("podv")))
    }
}
