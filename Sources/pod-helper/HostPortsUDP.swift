import Glibc
import PodOS

/// The UDP hostPorts of a user's pod (#18 item 4, D69): UDP has no connections to hand to
/// a child, so the forwarder keeps a flow per client address, as conntrack does for
/// root's DNAT and rootlessport's UDP proxy does: a socket made inside the user network
/// and connected to POD-IP:CONTAINER-PORT carries the client's datagrams to the pod, and
/// what the pod answers on it goes back to that client from the hostPort.
///
/// A flow ends after 30 s without traffic until the pod has answered, 120 s once it has:
/// nf_conntrack's udp_timeout and udp_timeout_stream, so a client sees what it would see
/// behind root's DNAT. At most `maximum` flows live at once; a datagram that would open
/// one more is dropped, as conntrack drops a packet when its table is full: a flood of
/// client ports costs a bounded number of descriptors, never more (each flow is one).
struct UDPFlows {
    struct Flow {
        let listener: Int32
        let client: sockaddr_in
        let upstream: Int32
        var lastActive: Double
        var answered: Bool
    }

    /// Below the default soft RLIMIT_NOFILE (1024), beside the listeners.
    static let maximum = 512
    static let unansweredTimeout = 30.0
    static let answeredTimeout = 120.0
    /// The largest IPv4 UDP payload (65535 - 8 - 20) fits whole: nothing is cut.
    private var buffer = [UInt8](repeating: 0, count: 65_536)
    private(set) var flows: [Flow] = []

    var descriptors: [Int32] { flows.map(\.upstream) }

    /// The datagrams waiting on `listener` (bound on the host), up to 64 a wakeup so a
    /// burst is not left to overflow the socket's buffer while the loop polls again.
    mutating func fromClients(_ listener: Int32, to podIP: in_addr, port: UInt16, now: Double) {
        for _ in 0..<64 where fromClient(listener, to: podIP, port: port, now: now) {}
    }

    /// A datagram from a client to the pod, through the client's flow, opened when it has
    /// none; false when none was waiting. Linear lookup: at most `maximum` flows.
    private mutating func fromClient(_ listener: Int32, to podIP: in_addr, port: UInt16, now: Double) -> Bool {
        var client = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = buffer.withUnsafeMutableBytes { bytes in
            withUnsafeMutablePointer(to: &client) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(listener, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, &length) } }
        }
        guard count >= 0 else { return false }
        let index = flows.firstIndex { $0.listener == listener && Self.same($0.client, client) } ?? open(listener, client, podIP, port, now: now)
        guard let index else { return true }
        flows[index].lastActive = now
        _ = buffer.withUnsafeBytes { send(flows[index].upstream, $0.baseAddress, count, Int32(MSG_DONTWAIT)) }
        return true
    }

    /// What the pod sent on flow `index` goes back to its client from the hostPort.
    mutating func fromPod(_ index: Int, now: Double) {
        let flow = flows[index]
        let count = buffer.withUnsafeMutableBytes { recv(flow.upstream, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        // ECONNREFUSED: the pod had nothing listening (an ICMP port unreachable); the flow stays until it idles out.
        guard count >= 0 else { return }
        var client = flow.client
        _ = buffer.withUnsafeBytes { bytes in
            withUnsafePointer(to: &client) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(flow.listener, bytes.baseAddress, count, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        flows[index].lastActive = now
        flows[index].answered = true
    }

    /// Closes the flows idle past their timeout.
    mutating func expire(now: Double) {
        flows.removeAll { flow in
            let idle = now - flow.lastActive > (flow.answered ? Self.answeredTimeout : Self.unansweredTimeout)
            if idle { close(flow.upstream) }
            return idle
        }
    }

    /// A new flow: a socket in the user network (the forwarder has joined it) connected to
    /// the pod's port; nil past the bound or when no socket can be made (the datagram is dropped).
    private mutating func open(_ listener: Int32, _ client: sockaddr_in, _ podIP: in_addr, _ port: UInt16, now: Double) -> Int? {
        guard flows.count < Self.maximum else { return nil }
        let upstream = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard upstream >= 0 else { return nil }
        guard connectToPod(upstream, podIP, port) else {
            close(upstream)
            return nil
        }
        flows.append(Flow(listener: listener, client: client, upstream: upstream, lastActive: now, answered: false))
        return flows.count - 1
    }

    private static func same(_ a: sockaddr_in, _ b: sockaddr_in) -> Bool {
        a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr
    }
}
