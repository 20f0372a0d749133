import CMnl
import Glibc
import PodCore

/// A NETLINK_ROUTE socket (libmnl) in the network namespace of the thread that opened it.
///
/// The kernel binds a netlink socket to the namespace of its creator for its whole life,
/// so a socket opened by pod-helper after `setns(CLONE_NEWNET)` configures the pod, and
/// one opened by the supervisor configures the host. One request at a time; not shared
/// between threads. This module uses the standard library, Glibc and libmnl only: it is
/// linked into pod-helper, which must stay free of Foundation and Dispatch (D13).
public final class NetlinkSocket {
    private let socket: OpaquePointer
    private let portID: UInt32
    private var sequence: UInt32
    private let buffer: UnsafeMutableRawPointer
    /// Large enough for a dump batch of the kernel (it fills at most 32 KiB per read).
    private static let bufferSize = 64 * 1024

    public init() throws(PodError) {
        guard let socket = mnl_socket_open2(NETLINK_ROUTE, Int32(SOCK_CLOEXEC.rawValue)) else {
            throw PodError.system("socket", errno: errno, path: "AF_NETLINK", "cannot open a netlink socket")
        }
        if mnl_socket_bind(socket, 0, pid_t(MNL_SOCKET_AUTOPID)) < 0 {
            let code = errno
            mnl_socket_close(socket)
            throw PodError.system("bind", errno: code, path: "AF_NETLINK", "cannot bind a netlink socket")
        }
        // The kernel answers every request; a bound on the wait turns a bug into an error, not a hang.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        _ = setsockopt(mnl_socket_get_fd(socket), SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.socket = socket
        portID = mnl_socket_get_portid(socket)
        sequence = UInt32(truncatingIfNeeded: time(nil))
        buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferSize, alignment: 8)
    }

    deinit {
        mnl_socket_close(socket)
        buffer.deallocate()
    }

    /// Sends one request built by `build` with NLM_F_ACK and waits for the kernel's answer.
    /// A negative answer throws with the kernel's errno; `what` says what was being done.
    public func request<Header>(
        _ type: UInt16, flags: Int32 = 0, header: Header, what: @autoclosure () -> String, path: String? = nil,
        _ build: (inout NetlinkRequest) -> Void = { _ in }
    ) throws(PodError) {
        let seq = prepare(type, flags: NLM_F_REQUEST | NLM_F_ACK | flags, header: header, build)
        try exchange(seq, call: Self.name(of: type), what: what(), path: path) { _ in }
    }

    /// Sends a dump request and returns every answer message (NLM_F_DUMP).
    public func dump<Header>(
        _ type: UInt16, header: Header, what: @autoclosure () -> String, _ build: (inout NetlinkRequest) -> Void = { _ in }
    ) throws(PodError) -> [NetlinkMessage] {
        let seq = prepare(type, flags: NLM_F_REQUEST | NLM_F_DUMP, header: header, build)
        var messages: [NetlinkMessage] = []
        try exchange(seq, call: Self.name(of: type), what: what(), path: nil) { messages.append($0) }
        return messages
    }

    /// Sends a request whose answer is one message (a `GET` of one object) and returns it.
    public func get<Header>(
        _ type: UInt16, header: Header, what: @autoclosure () -> String, path: String? = nil,
        _ build: (inout NetlinkRequest) -> Void = { _ in }
    ) throws(PodError) -> NetlinkMessage {
        // With NLM_F_ACK the answer is followed by an acknowledgement, which ends the exchange.
        let seq = prepare(type, flags: NLM_F_REQUEST | NLM_F_ACK, header: header, build)
        var answer: NetlinkMessage?
        try exchange(seq, call: Self.name(of: type), what: what(), path: path) { if answer == nil { answer = $0 } }
        guard let answer else {
            throw PodError(.internal, "\(what()): the kernel sent no answer to \(Self.name(of: type))")
        }
        return answer
    }

    private func prepare<Header>(_ type: UInt16, flags: Int32, header: Header, _ build: (inout NetlinkRequest) -> Void) -> UInt32 {
        memset(buffer, 0, Self.bufferSize)
        let nlh = mnl_nlmsg_put_header(buffer)!
        nlh.pointee.nlmsg_type = type
        nlh.pointee.nlmsg_flags = UInt16(truncatingIfNeeded: flags)
        sequence &+= 1
        nlh.pointee.nlmsg_seq = sequence
        let extra = mnl_nlmsg_put_extra_header(nlh, MemoryLayout<Header>.size)!
        extra.storeBytes(of: header, as: Header.self)
        var request = NetlinkRequest(header: nlh)
        build(&request)
        return sequence
    }

    private func exchange(
        _ seq: UInt32, call: String, what: @autoclosure () -> String, path: String?, _ each: (NetlinkMessage) -> Void
    ) throws(PodError) {
        let length = Int(buffer.assumingMemoryBound(to: nlmsghdr.self).pointee.nlmsg_len)
        while mnl_socket_sendto(socket, buffer, length) < 0 {
            if errno == EINTR { continue }
            throw PodError.system("sendto", errno: errno, path: path, "\(what()): cannot send \(call)")
        }
        // mnl_cb_run takes a C function pointer: the collector travels in `data`.
        let collector = Collector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        while true {
            let received = mnl_socket_recvfrom(socket, buffer, Self.bufferSize)
            if received < 0 {
                if errno == EINTR { continue }
                throw PodError.system("recvfrom", errno: errno, path: path, "\(what()): no answer to \(call)")
            }
            let result = mnl_cb_run(buffer, received, seq, portID, { message, data in
                guard let message, let data else { return MNL_CB_ERROR }
                Unmanaged<Collector>.fromOpaque(data).takeUnretainedValue().messages.append(NetlinkMessage(message))
                return MNL_CB_OK
            }, context)
            for message in collector.messages { each(message) }
            collector.messages.removeAll(keepingCapacity: true)
            if result == MNL_CB_ERROR {
                throw PodError.system(call, errno: errno, path: path, what())
            }
            if result <= MNL_CB_STOP { return }
        }
    }

    private final class Collector {
        var messages: [NetlinkMessage] = []
    }

    static func name(of type: UInt16) -> String {
        switch Int(type) {
        case RTM_NEWLINK: return "RTM_NEWLINK"
        case RTM_DELLINK: return "RTM_DELLINK"
        case RTM_GETLINK: return "RTM_GETLINK"
        case RTM_SETLINK: return "RTM_SETLINK"
        case RTM_NEWADDR: return "RTM_NEWADDR"
        case RTM_DELADDR: return "RTM_DELADDR"
        case RTM_GETADDR: return "RTM_GETADDR"
        case RTM_NEWROUTE: return "RTM_NEWROUTE"
        case RTM_DELROUTE: return "RTM_DELROUTE"
        case RTM_GETROUTE: return "RTM_GETROUTE"
        default: return "netlink message \(type)"
        }
    }
}

/// The attributes of a request being built (libmnl writes them into the socket's buffer).
public struct NetlinkRequest {
    let header: UnsafeMutablePointer<nlmsghdr>

    public mutating func put(_ type: Int, string: String) {
        mnl_attr_put_strz(header, UInt16(type), string)
    }

    public mutating func put(_ type: Int, u32: UInt32) {
        mnl_attr_put_u32(header, UInt16(type), u32)
    }

    public mutating func put(_ type: Int, u8: UInt8) {
        mnl_attr_put_u8(header, UInt16(type), u8)
    }

    public mutating func put(_ type: Int, bytes: [UInt8]) {
        bytes.withUnsafeBytes { mnl_attr_put(header, UInt16(type), $0.count, $0.baseAddress) }
    }

    /// A fixed-size structure as the payload of an attribute (the peer's `ifinfomsg`).
    public mutating func put<T>(_ type: Int, value: T) {
        withUnsafeBytes(of: value) { mnl_attr_put(header, UInt16(type), $0.count, $0.baseAddress) }
    }

    /// Raw bytes with no attribute header: a nested message header such as the peer's `ifinfomsg`.
    public mutating func append<T>(raw value: T) {
        let size = MemoryLayout<T>.size
        let aligned = (size + 3) & ~3
        let tail = UnsafeMutableRawPointer(header) + Int(header.pointee.nlmsg_len)
        memset(tail, 0, aligned)
        withUnsafeBytes(of: value) { tail.copyMemory(from: $0.baseAddress!, byteCount: size) }
        header.pointee.nlmsg_len += UInt32(aligned)
    }

    /// A nested attribute (NLA_F_NESTED): whatever `body` puts goes inside it.
    public mutating func nest(_ type: Int, _ body: (inout NetlinkRequest) -> Void) {
        let start = mnl_attr_nest_start(header, UInt16(type))
        body(&self)
        mnl_attr_nest_end(header, start)
    }
}

/// One answer from the kernel, copied out of the receive buffer.
public struct NetlinkMessage: Sendable {
    public let type: UInt16
    public let flags: UInt16
    /// Everything after the `nlmsghdr`: the family header, then the attributes.
    public let payload: [UInt8]

    init(_ message: UnsafePointer<nlmsghdr>) {
        type = message.pointee.nlmsg_type
        flags = message.pointee.nlmsg_flags
        let length = Int(message.pointee.nlmsg_len)
        let headerSize = MemoryLayout<nlmsghdr>.size
        let start = UnsafeRawPointer(message) + headerSize
        payload = length > headerSize ? Array(UnsafeRawBufferPointer(start: start, count: length - headerSize)) : []
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
