import PodCore

/// One SPDY/3.1 frame (draft-mbelshe-httpbis-spdy-00 §2.2; SPDY/3.1 only adds session flow
/// control, which neither moby/spdystream, the client of crictl and the kubelet, nor
/// this server enforce). Header blocks stay compressed here: their zlib stream is one per
/// direction and session (SPDYHeaderCoding), so only the session can read them.
struct SPDYFrame: Equatable {
    /// The 24-bit length field allows 16 MiB; a client's data frames are at most one
    /// io.Copy buffer (32 KiB) and its control frames a few hundred bytes, so 1 MiB bounds
    /// what one frame may make this server hold.
    static let maxPayload = 1 << 20

    enum Kind: Equatable {
        case data(stream: UInt32)
        case control(ControlType)
    }

    /// The control frame types of SPDY/3 (§2.6); an unknown one is skipped, as the draft says.
    enum ControlType: UInt16 {
        case synStream = 1, synReply = 2, rstStream = 3, settings = 4, ping = 6, goAway = 7, headers = 8, windowUpdate = 9
    }

    static let flagFin: UInt8 = 0x01

    var kind: Kind
    var flags: UInt8
    var payload: [UInt8]

    var fin: Bool { flags & Self.flagFin != 0 }

    /// A complete frame at the start of `buffer` and its size, nil while more bytes are
    /// needed, nil with `skip` for a control frame of a type this server does not know.
    /// A frame over `maxPayload` or of another SPDY version is refused.
    static func parse(_ buffer: ArraySlice<UInt8>) throws(PodError) -> (frame: SPDYFrame?, size: Int)? {
        guard buffer.count >= 8 else { return nil }
        let base = buffer.startIndex
        let length = Int(buffer[base + 5]) << 16 | Int(buffer[base + 6]) << 8 | Int(buffer[base + 7])
        guard length <= maxPayload else {
            throw PodError(.invalidArgument, "a SPDY frame of \(length) bytes is larger than this server takes (\(maxPayload))")
        }
        guard buffer.count >= 8 + length else { return nil }
        let flags = buffer[base + 4]
        let payload = Array(buffer[(base + 8)..<(base + 8 + length)])
        let word = be32(buffer, at: base)
        if word & 0x8000_0000 == 0 {
            return (SPDYFrame(kind: .data(stream: word & 0x7fff_ffff), flags: flags, payload: payload), 8 + length)
        }
        let version = (word >> 16) & 0x7fff
        guard version == 3 else { throw PodError(.invalidArgument, "a SPDY frame of version \(version); this server speaks SPDY/3.1") }
        guard let type = ControlType(rawValue: UInt16(word & 0xffff)) else { return (nil, 8 + length) }
        return (SPDYFrame(kind: .control(type), flags: flags, payload: payload), 8 + length)
    }

    /// The frame's bytes on the wire.
    func encoded() -> [UInt8] {
        var bytes: [UInt8]
        switch kind {
        case let .data(stream): bytes = Self.be32(stream & 0x7fff_ffff)
        case let .control(type): bytes = [0x80, 0x03, UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xff)]
        }
        bytes += [flags, UInt8(payload.count >> 16 & 0xff), UInt8(payload.count >> 8 & 0xff), UInt8(payload.count & 0xff)]
        return bytes + payload
    }

    /// The stream a frame is about: data frames and SYN_STREAM, SYN_REPLY, RST_STREAM,
    /// HEADERS and WINDOW_UPDATE carry it in their first 31 bits.
    var stream: UInt32? {
        switch kind {
        case let .data(stream): return stream
        case .control(.synStream), .control(.synReply), .control(.rstStream), .control(.headers), .control(.windowUpdate):
            return payload.count >= 4 ? Self.be32(payload[...], at: 0) & 0x7fff_ffff : nil
        default: return nil
        }
    }

    /// The compressed header block of SYN_STREAM (after stream id, associated id, priority
    /// and slot: 10 bytes), SYN_REPLY and HEADERS (after the stream id: 4 bytes).
    var headerBlock: ArraySlice<UInt8>? {
        switch kind {
        case .control(.synStream): return payload.count >= 10 ? payload[10...] : nil
        case .control(.synReply), .control(.headers): return payload.count >= 4 ? payload[4...] : nil
        default: return nil
        }
    }

    static func data(_ stream: UInt32, _ bytes: [UInt8], fin: Bool = false) -> SPDYFrame {
        SPDYFrame(kind: .data(stream: stream), flags: fin ? flagFin : 0, payload: bytes)
    }

    static func synReply(_ stream: UInt32, headerBlock: [UInt8]) -> SPDYFrame {
        SPDYFrame(kind: .control(.synReply), flags: 0, payload: be32(stream) + headerBlock)
    }

    /// RST_STREAM status codes used here (§2.6.3): 1 PROTOCOL_ERROR, 3 REFUSED_STREAM.
    static func rstStream(_ stream: UInt32, status: UInt32) -> SPDYFrame {
        SPDYFrame(kind: .control(.rstStream), flags: 0, payload: be32(stream) + be32(status))
    }

    static func ping(_ id: [UInt8]) -> SPDYFrame { SPDYFrame(kind: .control(.ping), flags: 0, payload: id) }

    /// GOAWAY with the last stream the client opened and status 0 (OK).
    static func goAway(lastStream: UInt32) -> SPDYFrame {
        SPDYFrame(kind: .control(.goAway), flags: 0, payload: be32(lastStream) + be32(0))
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    static func be32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
    }
}
