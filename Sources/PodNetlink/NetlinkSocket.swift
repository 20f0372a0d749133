import CRtnetlink
import Glibc
import PodCore

/// A NETLINK_ROUTE socket in the network namespace of the thread that opened it.
///
/// The kernel binds a netlink socket to the namespace of its creator for its whole life,
/// so a socket opened by pod-helper after `setns(CLONE_NEWNET)` configures the pod, and
/// one opened by the supervisor configures the host. One request at a time; not shared
/// between threads. This module uses the standard library and Glibc only: it is linked
/// into pod-helper, which must stay free of Foundation and Dispatch (D13) and is one
/// static executable (D86), so the framing (netlink(7)) is done here, not by libmnl.
public final class NetlinkSocket {
    private let fd: Int32
    private let portID: UInt32
    private var sequence: UInt32
    private let buffer: UnsafeMutableRawPointer
    /// Large enough for a dump batch of the kernel (it fills at most 32 KiB per read).
    private static let bufferSize = 64 * 1024

    public init() throws(PodError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_ROUTE)
        guard fd >= 0 else { throw PodError.system("socket", errno: errno, path: "AF_NETLINK", "cannot open a netlink socket") }
        // Port 0 asks the kernel to choose one (autobind); getsockname tells which.
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        var size = socklen_t(MemoryLayout<sockaddr_nl>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) == 0 && getsockname(fd, $0, &size) == 0 }
        }
        guard bound else {
            let code = errno
            close(fd)
            throw PodError.system("bind", errno: code, path: "AF_NETLINK", "cannot bind a netlink socket")
        }
        // The kernel answers every request; a bound on the wait turns a bug into an error, not a hang.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
        portID = address.nl_pid
        sequence = UInt32(truncatingIfNeeded: time(nil))
        buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferSize, alignment: 8)
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Sends one request built by `build` with NLM_F_ACK and waits for the kernel's answer.
    /// A negative answer throws with the kernel's errno; `what` says what was being done.
    public func request<Header>(
        _ type: UInt16, flags: Int32 = 0, header: Header, what: @autoclosure () -> String, path: String? = nil,
        _ build: (inout NetlinkRequest) -> Void = { _ in }
    ) throws(PodError) {
        let seq = try prepare(type, flags: NLM_F_REQUEST | NLM_F_ACK | flags, header: header, what: what(), build)
        try exchange(seq, call: Self.name(of: type), what: what(), path: path) { _ in }
    }

    /// Sends a dump request and returns every answer message (NLM_F_DUMP).
    public func dump<Header>(
        _ type: UInt16, header: Header, what: @autoclosure () -> String, _ build: (inout NetlinkRequest) -> Void = { _ in }
    ) throws(PodError) -> [NetlinkMessage] {
        let seq = try prepare(type, flags: NLM_F_REQUEST | NLM_F_DUMP, header: header, what: what(), build)
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
        let seq = try prepare(type, flags: NLM_F_REQUEST | NLM_F_ACK, header: header, what: what(), build)
        var answer: NetlinkMessage?
        try exchange(seq, call: Self.name(of: type), what: what(), path: path) { if answer == nil { answer = $0 } }
        guard let answer else {
            throw PodError(.internal, "\(what()): the kernel sent no answer to \(Self.name(of: type))")
        }
        return answer
    }

    private func prepare<Header>(
        _ type: UInt16, flags: Int32, header: Header, what: @autoclosure () -> String, _ build: (inout NetlinkRequest) -> Void
    ) throws(PodError) -> UInt32 {
        sequence &+= 1
        var request = NetlinkRequest(buffer, capacity: Self.bufferSize, type: type, flags: UInt16(truncatingIfNeeded: flags), sequence: sequence)
        request.append(raw: header)
        build(&request)
        guard !request.overflowed else {
            throw PodError(.internal, "\(what()): the \(Self.name(of: type)) request is larger than \(Self.bufferSize) bytes")
        }
        return sequence
    }

    private func exchange(
        _ seq: UInt32, call: String, what: @autoclosure () -> String, path: String?, _ each: (NetlinkMessage) -> Void
    ) throws(PodError) {
        var kernel = sockaddr_nl()
        kernel.nl_family = sa_family_t(AF_NETLINK)
        let length = Int(buffer.load(as: UInt32.self))
        while withUnsafePointer(to: &kernel, { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, buffer, length, 0, $0, socklen_t(MemoryLayout<sockaddr_nl>.size)) }
        }) < 0 {
            if errno == EINTR { continue }
            throw PodError.system("sendto", errno: errno, path: path, "\(what()): cannot send \(call)")
        }
        while true {
            let received = try receive(call: call, what: what(), path: path)
            guard let received else { continue }
            var reader = NetlinkFrames(UnsafeRawBufferPointer(start: buffer, count: received), sequence: seq, portID: portID)
            while let frame = reader.next() {
                switch frame {
                case .message(let message): each(message)
                case .finished: return
                case .failed(let code): throw PodError.system(call, errno: code, path: path, what())
                }
            }
        }
    }

    /// One datagram from the kernel into the buffer; nil for one from anyone else (a
    /// process in the same namespace with CAP_NET_ADMIN could send to this port), which
    /// is dropped unread. A datagram larger than the buffer is an error, not a truncation.
    private func receive(call: String, what: @autoclosure () -> String, path: String?) throws(PodError) -> Int? {
        var sender = sockaddr_nl()
        var size = socklen_t(MemoryLayout<sockaddr_nl>.size)
        while true {
            let received = withUnsafeMutablePointer(to: &sender) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, buffer, Self.bufferSize, Int32(MSG_TRUNC), $0, &size) }
            }
            if received < 0 {
                if errno == EINTR { continue }
                throw PodError.system("recvfrom", errno: errno, path: path, "\(what()): no answer to \(call)")
            }
            guard received <= Self.bufferSize else {
                throw PodError.system("recvfrom", errno: ENOSPC, path: path, "\(what()): an answer to \(call) of \(received) bytes is larger than the buffer")
            }
            return sender.nl_pid == 0 ? received : nil
        }
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
