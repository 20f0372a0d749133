import Glibc
import PodDNS

/// Queries for names that are not the pods' go to the host's resolvers, through one
/// socket and one table of outstanding queries: bounded in size, each entry with a
/// deadline. A query that finds the table full, no upstream, or no answer in time gets
/// SERVFAIL — a pod's lookup fails fast, never hangs (as aardvark-dns answers when its
/// upstreams fail).
struct Forwarder {
    struct Pending {
        var client: sockaddr_in
        var clientID: UInt16
        var query: DNSQuery
        var upstream: [UInt8]
        var deadline: Double
    }

    static let capacity = 256
    static let timeout = 2.0

    let socket: UDPSocket
    let upstreams: [[UInt8]]
    var pending: [UInt16: Pending] = [:]
    var next = 0

    /// False when the query could not be sent: the caller answers SERVFAIL.
    mutating func forward(_ packet: [UInt8], query: DNSQuery, from client: sockaddr_in, now: Double) -> Bool {
        guard !upstreams.isEmpty, pending.count < Self.capacity else { return false }
        var id: UInt16 = 0
        repeat { id = UInt16.random(in: 0...UInt16.max) } while pending[id] != nil
        let upstream = upstreams[next % upstreams.count]
        next += 1
        var copy = packet
        copy[0] = UInt8(id >> 8)
        copy[1] = UInt8(id & 0xFF)
        socket.send(copy, to: UDPSocket.address(upstream, port: 53))
        pending[id] = Pending(client: client, clientID: query.id, query: query, upstream: upstream, deadline: now + Self.timeout)
        return true
    }

    /// An upstream's answer goes back to its client under the client's ID. Anything that
    /// does not match an outstanding query from that upstream is dropped.
    mutating func deliver(_ packet: [UInt8], from source: sockaddr_in, through listener: UDPSocket) {
        guard packet.count >= 12 else { return }
        let id = UInt16(packet[0]) << 8 | UInt16(packet[1])
        guard let entry = pending[id], UDPSocket.address(entry.upstream, port: 53).sin_addr.s_addr == source.sin_addr.s_addr else { return }
        pending[id] = nil
        var copy = packet
        copy[0] = UInt8(entry.clientID >> 8)
        copy[1] = UInt8(entry.clientID & 0xFF)
        listener.send(copy, to: entry.client)
    }

    /// Queries past their deadline get SERVFAIL.
    mutating func expire(now: Double, through listener: UDPSocket) {
        for (id, entry) in pending where entry.deadline <= now {
            pending[id] = nil
            listener.send(DNSResponse.answer(entry.query, rcode: .servFail, authoritative: false), to: entry.client)
        }
    }

    /// How long poll may wait: until the nearest deadline, at most a second.
    func pollTimeout(now: Double) -> Int32 {
        guard let nearest = pending.values.map(\.deadline).min() else { return 1000 }
        return Int32(max(0, min(1000, (nearest - now) * 1000)))
    }
}
