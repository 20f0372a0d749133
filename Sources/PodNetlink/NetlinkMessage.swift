import CRtnetlink
import Glibc

/// What one frame of an answer means to the exchange waiting for it.
enum NetlinkFrame {
    /// A message of the request's family (type ≥ NLMSG_MIN_TYPE).
    case message(NetlinkMessage)
    /// The acknowledgement (NLMSG_ERROR with 0) or a dump's NLMSG_DONE.
    case finished
    /// The kernel's negative answer, or a frame that cannot be the answer (errno).
    case failed(Int32)
}

/// The frames of one datagram from the kernel, checked as netlink(7) frames them: a
/// length that runs past the datagram is EBADMSG, another port's or request's message is
/// ESRCH or EPROTO, an interrupted dump (NLM_F_DUMP_INTR) is EINTR.
struct NetlinkFrames {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    private let sequence: UInt32
    private let portID: UInt32
    private static let headerSize = MemoryLayout<nlmsghdr>.size

    init(_ bytes: UnsafeRawBufferPointer, sequence: UInt32, portID: UInt32) {
        self.bytes = bytes
        self.sequence = sequence
        self.portID = portID
    }

    mutating func next() -> NetlinkFrame? {
        while bytes.count - offset >= Self.headerSize {
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            guard length >= Self.headerSize, length <= bytes.count - offset else { offset = bytes.count; return .failed(EBADMSG) }
            let type = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            let flags = bytes.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self)
            let seq = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let port = bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)
            let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + Self.headerSize)..<(offset + length)])
            offset = min(offset + ((length + 3) & ~3), bytes.count)
            if port != 0 && port != portID { return .failed(ESRCH) }
            if seq != 0 && seq != sequence { return .failed(EPROTO) }
            if Int32(flags) & NLM_F_DUMP_INTR != 0 { return .failed(EINTR) }
            if Int32(type) >= NLMSG_MIN_TYPE { return .message(NetlinkMessage(type: type, flags: flags, payload: Array(body))) }
            switch Int32(type) {
            case NLMSG_ERROR:
                // struct nlmsgerr: the error, then the request's header.
                guard body.count >= 4 + Self.headerSize else { return .failed(EBADMSG) }
                let error = body.loadUnaligned(as: Int32.self)
                return error == 0 ? .finished : .failed(error < 0 ? -error : error)
            case NLMSG_DONE:
                // The kernel puts the dump's own error, if any, after the header.
                let error = body.count >= 4 ? body.loadUnaligned(as: Int32.self) : 0
                return error < 0 ? .failed(-error) : .finished
            default:
                continue  // NLMSG_NOOP, NLMSG_OVERRUN: nothing to act on
            }
        }
        return nil
    }
}

/// One answer from the kernel, copied out of the receive buffer.
public struct NetlinkMessage: Sendable {
    public let type: UInt16
    public let flags: UInt16
    /// Everything after the `nlmsghdr`: the family header, then the attributes.
    public let payload: [UInt8]

    init(type: UInt16, flags: UInt16, payload: [UInt8]) {
        self.type = type
        self.flags = flags
        self.payload = payload
    }

    /// The family header (`ifinfomsg`, `ifaddrmsg`, `rtmsg`) at the start of the payload.
    public func header<Header>(_: Header.Type) -> Header? {
        guard payload.count >= MemoryLayout<Header>.size else { return nil }
        return payload.withUnsafeBytes { $0.loadUnaligned(as: Header.self) }
    }

    /// The attributes after a family header of type `Header`.
    public func attributes<Header>(after _: Header.Type) -> NetlinkAttributes {
        let start = (MemoryLayout<Header>.size + 3) & ~3
        return NetlinkAttributes(start < payload.count ? payload[start...] : [])
    }
}

/// Attributes by type (the last one wins when a type repeats). Parsed in Swift from the
/// copied bytes, so nothing points into a buffer that the next read overwrites.
public struct NetlinkAttributes: Sendable {
    public private(set) var values: [UInt16: [UInt8]] = [:]

    public init(_ bytes: ArraySlice<UInt8>) {
        var offset = bytes.startIndex
        while bytes.endIndex - offset >= 4 {
            let length = Int(UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8)
            let type = (UInt16(bytes[offset + 2]) | UInt16(bytes[offset + 3]) << 8) & 0x3fff  // NLA_TYPE_MASK
            guard length >= 4, offset + length <= bytes.endIndex else { break }
            values[type] = Array(bytes[(offset + 4)..<(offset + length)])
            offset += (length + 3) & ~3
        }
    }

    public subscript(_ type: Int) -> [UInt8]? { values[UInt16(type)] }

    public func u32(_ type: Int) -> UInt32? {
        guard let bytes = self[type], bytes.count >= 4 else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    public func u8(_ type: Int) -> UInt8? { self[type]?.first }

    public func string(_ type: Int) -> String? {
        guard let bytes = self[type] else { return nil }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    public func nested(_ type: Int) -> NetlinkAttributes? {
        self[type].map { NetlinkAttributes($0[...]) }
    }

    public func ipv4(_ type: Int) -> IPv4Address? {
        guard let bytes = self[type], bytes.count == 4 else { return nil }
        return IPv4Address(networkBytes: bytes)
    }
}
