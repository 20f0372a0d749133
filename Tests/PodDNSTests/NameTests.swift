import PodDNS
import Testing

/// The names and zone rules of the bridge's responder (docs/network.md, "Names").
@Suite struct NameTests {
    @Test func aPodHasItsServiceLikeNames() {
        #expect(PodNames.names(name: "Web", namespace: "shop", hostname: nil, subdomain: nil) == ["web.shop.svc.cluster.local", "web.shop", "web"])
        #expect(PodNames.names(name: "web", namespace: "shop", hostname: "www", subdomain: "front").last == "www.front.shop.svc.cluster.local")
        // Without hostname, Kubernetes uses the pod's name under the subdomain.
        #expect(PodNames.names(name: "web", namespace: "shop", hostname: nil, subdomain: "front").last == "web.front.shop.svc.cluster.local")
        #expect(PodNames.searches(namespace: "shop") == ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"])
    }

    @Test func theFileRoundTrips() {
        let text = PodNameTable.render([("10.88.0.2", PodNames.names(name: "a", namespace: "default", hostname: nil, subdomain: nil))])
        let table = PodNameTable(parsing: text)
        #expect(table.addresses["a"] == [[10, 88, 0, 2]])
        #expect(table.addresses["a.default.svc.cluster.local"] == [[10, 88, 0, 2]])
        #expect(table.namespaces == ["default"])
    }

    @Test func decisions() {
        let table = PodNameTable(parsing: "10.88.0.2 a.default.svc.cluster.local a.default a\n10.88.0.3 a.other a\n")
        #expect(table.decide(name: "a.default", type: DNSType.a) == .answer(.noError, addresses: [[10, 88, 0, 2]]))
        #expect(table.decide(name: "a", type: DNSType.a) == .answer(.noError, addresses: [[10, 88, 0, 2], [10, 88, 0, 3]]))
        #expect(table.decide(name: "a.default", type: DNSType.aaaa) == .answer(.noError, addresses: []), "NODATA, so the A answer stands")
        #expect(table.decide(name: "gone.default.svc.cluster.local", type: DNSType.a) == .answer(.nxDomain, addresses: []))
        #expect(table.decide(name: "gone", type: DNSType.a) == .answer(.nxDomain, addresses: []))
        #expect(table.decide(name: "gone.other", type: DNSType.a) == .answer(.nxDomain, addresses: []))
        #expect(table.decide(name: "example.org", type: DNSType.a) == .forward)
        #expect(table.decide(name: "a.default.example.org", type: DNSType.a) == .forward)
    }

    @Test func upstreamsAreTheHostsIPv4NameserversButNotOurs() {
        let conf = "# x\nnameserver 10.88.0.1\nnameserver 127.0.0.53\nnameserver ::1\nsearch lan\nnameserver 1.1.1.1\nnameserver 8.8.8.8\nnameserver 9.9.9.9\n"
        #expect(Upstreams.parse(resolvConf: conf, excluding: "10.88.0.1") == [[127, 0, 0, 53], [1, 1, 1, 1], [8, 8, 8, 8]])
    }

    @Test func responsesCarryTheQuestionAndFlags() throws {
        let packet: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x41, 0, 0, 1, 0, 1]
        let query = try DNSQuery.decode(packet)
        let reply = DNSResponse.answer(query, rcode: .noError, authoritative: true, addresses: [[10, 88, 0, 2]])
        #expect(Array(reply[0..<4]) == [0x12, 0x34, 0x85, 0x80], "QR AA RD RA, NOERROR")
        #expect(Array(reply[4..<12]) == [0, 1, 0, 1, 0, 0, 0, 0])
        #expect(Array(reply[12..<19]) == Array(packet[12..<19]), "the question as asked, case kept")
        #expect(Array(reply[19...]) == [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 88, 0, 2])
        let missing = DNSResponse.answer(query, rcode: .nxDomain, authoritative: true)
        #expect(missing[3] & 0x0F == 3 && missing.count == 19)
        #expect(DNSResponse.failure(id: 7, queryFlags: 0x0100, rcode: .formErr) == [0, 7, 0x81, 0x81, 0, 0, 0, 0, 0, 0, 0, 0])
    }
}
