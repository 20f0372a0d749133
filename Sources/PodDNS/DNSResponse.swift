/// Responses the pod responder makes itself (RFC 1035, 4.1). They carry the question back
/// and at most `maximumAnswers` A records, so every response fits the 512 bytes of plain
/// UDP (RFC 1035, 2.3.4) and truncation never arises.
public enum DNSRcode: UInt8, Sendable {
    case noError = 0, formErr = 1, servFail = 2, nxDomain = 3, notImp = 4, refused = 5
}

public enum DNSResponse {
    public static let maximumAnswers = 16
    /// Short, as aardvark-dns's: a deleted pod's address must not live on in caches.
    public static let ttl: UInt32 = 5

    /// An answer to `query`: `addresses` as A records (IPv4, four bytes each).
    public static func answer(_ query: DNSQuery, rcode: DNSRcode, authoritative: Bool, addresses: [[UInt8]] = []) -> [UInt8] {
        let answers = Array(addresses.filter { $0.count == 4 }.prefix(maximumAnswers))
        var out = header(id: query.id, queryFlags: query.flags, rcode: rcode, authoritative: authoritative)
        out += [0, 1, UInt8(answers.count >> 8), UInt8(answers.count & 0xFF), 0, 0, 0, 0]
        for label in query.labels {
            out.append(UInt8(label.count))
            out += label
        }
        out.append(0)
        out += be16(query.type) + be16(query.qclass)
        for address in answers {
            // The name is the question's, by a pointer to offset 12 (RFC 1035, 4.1.4).
            out += [0xC0, 12] + be16(DNSType.a) + be16(DNSType.classIN)
            out += [UInt8(ttl >> 24), UInt8((ttl >> 16) & 0xFF), UInt8((ttl >> 8) & 0xFF), UInt8(ttl & 0xFF)]
            out += [0, 4] + address
        }
        return out
    }

    /// An error without the question, for a packet whose question could not be read.
    public static func failure(id: UInt16, queryFlags: UInt16, rcode: DNSRcode) -> [UInt8] {
        header(id: id, queryFlags: queryFlags, rcode: rcode, authoritative: false) + [UInt8](repeating: 0, count: 8)
    }

    /// QR set; the opcode and RD copied; RA set, since other names are forwarded.
    static func header(id: UInt16, queryFlags: UInt16, rcode: DNSRcode, authoritative: Bool) -> [UInt8] {
        var flags: UInt16 = 0x8000 | (queryFlags & 0x7800) | (queryFlags & 0x0100) | 0x0080
        if authoritative { flags |= 0x0400 }
        flags |= UInt16(rcode.rawValue)
        return be16(id) + be16(flags)
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
}
