@testable import PodDNS
import Testing

/// What a container may send the bridge's DNS responder (docs/network.md, "Names"): the
/// decoder must refuse or answer every packet, bounded, and never trap.
@Suite struct DNSPacketTests {
    /// A well-formed query for `name` (RFC 1035, 4.1): ID 0x1234, RD, one question.
    static func query(_ name: String, type: UInt16 = DNSType.a, id: UInt16 = 0x1234) -> [UInt8] {
        var packet: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            packet.append(UInt8(label.utf8.count))
            packet += Array(label.utf8)
        }
        return packet + [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
    }

    static let header: [UInt8] = [0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]

    @Test func aWellFormedQueryDecodes() throws {
        let query = try DNSQuery.decode(Self.query("Web.Default.svc.cluster.local", type: DNSType.aaaa))
        #expect(query.id == 0x1234 && query.name == "web.default.svc.cluster.local" && query.type == DNSType.aaaa && query.qclass == 1)
        #expect(query.recursionDesired && !query.isResponse && query.opcode == 0)
    }

    @Test func shortPacketsAreDropped() {
        for length in 0..<12 {
            #expect(throws: DNSDecodeFailure.tooShort) { try DNSQuery.decode([UInt8](repeating: 0, count: length)) }
        }
    }

    static func withHeader(_ question: [UInt8], count: UInt8 = 1) -> [UInt8] {
        var packet = header
        packet[5] = count
        return packet + question
    }

    static var malformed: [(String, [UInt8])] {
        let long: [UInt8] = Array([[UInt8]](repeating: [63] + [UInt8](repeating: 0x61, count: 63), count: 5).joined())
        let cases: [(String, [UInt8])] = [
            ("no question", withHeader([], count: 0)),
            ("two questions", withHeader([0, 0, 1, 0, 1, 0, 0, 1, 0, 1], count: 2)),
            ("a pointer to itself", withHeader([0xC0, 12, 0, 1, 0, 1])),
            ("a pointer forwards", withHeader([0xC0, 14, 0, 0, 1, 0, 1])),
            ("a pointer cut in half", withHeader([0xC0])),
            ("a label past the end", withHeader([40, 0x61, 0x62])),
            ("a name without its end", withHeader([3, 0x61, 0x62, 0x63])),
            ("no type and class", withHeader([1, 0x61, 0])),
            ("an extended label type", withHeader([0x41, 0x61, 0, 0, 1, 0, 1])),
            ("a dot inside a label", withHeader([3, 0x61, 0x2E, 0x62, 0, 0, 1, 0, 1])),
            ("a name over 255 bytes", withHeader(long + [0, 0, 1, 0, 1])),
        ]
        return cases
    }

    @Test(arguments: malformed)
    func malformedQuestionsAreRefusedWithTheirID(_ what: String, _ packet: [UInt8]) {
        #expect(throws: DNSDecodeFailure.malformed(id: 0xABCD, flags: 0x0100), "\(what)") { try DNSQuery.decode(packet) }
    }

    /// A chain of backward pointers is followed only `maximumJumps` deep.
    @Test func pointerChainsAreBounded() {
        func chain(_ length: Int) -> [UInt8] {
            var bytes: [UInt8] = [0]  // the root name at 0
            for index in 0..<length { bytes += [0xC0, UInt8(index == 0 ? 0 : 1 + 2 * (index - 1))] }
            return bytes
        }
        #expect(DNSQuery.decodeName(chain(DNSQuery.maximumJumps), at: chain(DNSQuery.maximumJumps).count - 2) != nil)
        #expect(DNSQuery.decodeName(chain(DNSQuery.maximumJumps + 1), at: chain(DNSQuery.maximumJumps + 1).count - 2) == nil)
        #expect(DNSQuery.decodeName(chain(100), at: chain(100).count - 2) == nil)
    }

    /// A backward pointer is followed (RFC 1035, 4.1.4), and the name ends after it.
    @Test func aBackwardPointerIsFollowed() {
        let bytes: [UInt8] = [1, 0x79, 0, 1, 0x78, 0xC0, 0]
        let decoded = DNSQuery.decodeName(bytes, at: 3)
        #expect(decoded?.0 == [[0x78], [0x79]] && decoded?.1 == 7)
    }

    /// "x" and a pointer back to "x": every pointer points backwards, yet it loops; the
    /// jump bound ends it.
    @Test func aLoopThroughBackwardPointersEnds() {
        #expect(throws: DNSDecodeFailure.self) { try DNSQuery.decode(Self.header + [1, 0x78, 0xC0, 12, 0, 1, 0, 1]) }
    }

    /// Random packets and random mutations of good ones: the decoder returns or throws,
    /// and every response it leads to fits 512 bytes and carries the query's ID.
    @Test func fuzzedPacketsNeverTrapAndAnswersStaySmall() {
        var generator = SeededRandom(seed: 17)  // PlanCodecTests.swift
        let table = PodNameTable(parsing: "10.88.0.2 a.default.svc.cluster.local a.default a\n")
        let seeds = [Self.query("a"), Self.query("a.default.svc.cluster.local"), Self.query("x.example.org", type: 28)]
        for round in 0..<20_000 {
            var packet: [UInt8]
            if round % 2 == 0 {
                packet = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                packet = seeds[Int(generator.next() % 3)]
                for _ in 0..<(1 + generator.next() % 4) where !packet.isEmpty {
                    packet[Int(generator.next() % UInt64(packet.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
                if generator.next() % 4 == 0 { packet.removeLast(Int(generator.next() % UInt64(packet.count))) }
            }
            guard let query = try? DNSQuery.decode(packet) else { continue }
            #expect(query.name.utf8.count <= DNSQuery.maximumNameLength)
            if case let .answer(rcode, addresses) = table.decide(name: query.name, type: query.type) {
                let reply = DNSResponse.answer(query, rcode: rcode, authoritative: true, addresses: addresses)
                #expect(reply.count <= 512 && reply[0] == packet[0] && reply[1] == packet[1])
            }
        }
    }

    /// Many addresses for one name are cut to what fits plain UDP.
    @Test func answersAreCappedToFitUDP() throws {
        let lines = (2..<200).map { "10.88.0.\($0) same" }.joined(separator: "\n")
        let table = PodNameTable(parsing: lines)
        let query = try DNSQuery.decode(Self.query("same"))
        guard case let .answer(rcode, addresses) = table.decide(name: "same", type: DNSType.a) else { Issue.record("not answered"); return }
        let reply = DNSResponse.answer(query, rcode: rcode, authoritative: true, addresses: addresses)
        #expect(reply.count <= 512)
        #expect(Int(reply[6]) << 8 | Int(reply[7]) == DNSResponse.maximumAnswers)
    }

    /// A damaged names file: bad lines are skipped, not trusted.
    @Test func aDamagedNamesFileIsReadLineByLine() {
        let table = PodNameTable(parsing: "# comment\n300.1.1.1 bad\n10.88.0.2\n10.88.0.3 ok ok.ns\n\u{0}\u{0}\n1.2.3 short\n")
        #expect(table.addresses == ["ok": [[10, 88, 0, 3]], "ok.ns": [[10, 88, 0, 3]]])
        #expect(table.namespaces == ["ns"])
    }
}
