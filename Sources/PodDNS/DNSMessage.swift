/// The parts of a DNS message (RFC 1035, 4.1) the pod responder reads: the header and the
/// one question. Everything comes from a container, so decoding is bounded: a name is at
/// most 255 bytes in labels of at most 63 (RFC 1035, 2.3.4), a compression pointer must
/// point backwards (so it cannot loop) and at most `maximumJumps` are followed; a question
/// count other than one is refused, as every resolver in use sends exactly one.
public struct DNSQuery: Equatable, Sendable {
    public var id: UInt16
    public var flags: UInt16
    /// The name as sent (case kept, for the echoed question), label by label.
    public var labels: [[UInt8]]
    public var type: UInt16
    public var qclass: UInt16

    public static let maximumJumps = 16
    public static let maximumNameLength = 255

    public var opcode: UInt8 { UInt8((flags >> 11) & 0xF) }
    public var isResponse: Bool { flags & 0x8000 != 0 }
    public var recursionDesired: Bool { flags & 0x0100 != 0 }

    /// The name in lower case, labels joined by dots; "" for the root.
    public var name: String {
        labels.map { String(decoding: $0.map(lowercased), as: UTF8.self) }.joined(separator: ".")
    }
}

public enum DNSType {
    public static let a: UInt16 = 1
    public static let aaaa: UInt16 = 28
    public static let any: UInt16 = 255
    public static let classIN: UInt16 = 1
}

/// Why a packet was not a query the responder can answer.
public enum DNSDecodeFailure: Error, Equatable, Sendable {
    /// Shorter than a header: there is no ID to answer to, so it is dropped.
    case tooShort
    /// A header, but not a single well-formed question: FORMERR (RFC 1035, 4.1.1).
    case malformed(id: UInt16, flags: UInt16)
}

extension DNSQuery {
    public static func decode(_ packet: [UInt8]) throws(DNSDecodeFailure) -> DNSQuery {
        guard packet.count >= 12 else { throw .tooShort }
        let id = read16(packet, 0)
        let flags = read16(packet, 2)
        let bad = DNSDecodeFailure.malformed(id: id, flags: flags)
        guard read16(packet, 4) == 1 else { throw bad }
        guard let (labels, end) = decodeName(packet, at: 12), end + 4 <= packet.count else { throw bad }
        return DNSQuery(id: id, flags: flags, labels: labels, type: read16(packet, end), qclass: read16(packet, end + 2))
    }

    /// A name at `offset`: its labels and the offset just past it in the original
    /// sequence (after the first pointer, if any). Nil for anything out of bounds.
    static func decodeName(_ packet: [UInt8], at offset: Int) -> ([[UInt8]], Int)? {
        var labels: [[UInt8]] = []
        var position = offset
        var end: Int?
        var jumps = 0
        var length = 1
        while true {
            guard position < packet.count else { return nil }
            let byte = Int(packet[position])
            switch byte & 0xC0 {
            case 0xC0:
                guard position + 1 < packet.count, jumps < maximumJumps else { return nil }
                let target = (byte & 0x3F) << 8 | Int(packet[position + 1])
                // Only backwards, and before the start of this name part: no loops.
                guard target < position else { return nil }
                if end == nil { end = position + 2 }
                jumps += 1
                position = target
            case 0x00:
                if byte == 0 { return (labels, end ?? position + 1) }
                let label = position + 1
                guard label + byte <= packet.count else { return nil }
                length += byte + 1
                guard length <= maximumNameLength else { return nil }
                let bytes = Array(packet[label..<label + byte])
                // A dot inside a label would make two names read alike.
                guard !bytes.contains(UInt8(ascii: ".")) else { return nil }
                labels.append(bytes)
                position = label + byte
            default:
                return nil  // 0x40 and 0x80: extended label types (RFC 6891 dropped them)
            }
        }
    }

    static func read16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }
}

func lowercased(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}
