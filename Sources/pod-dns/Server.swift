import Glibc
import PodDNS
import PodOS

/// The responder's loop: one thread, poll on the listening and the upstream socket.
struct Server {
    let listener: UDPSocket
    var names: NameFile
    var forwarder: Forwarder

    mutating func run() -> Never {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var fds = [pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0), pollfd(fd: forwarder.socket.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, forwarder.pollTimeout(now: monotonicSeconds()))
            // A bounded batch per wakeup, so neither socket starves the other.
            for _ in 0..<64 {
                guard let (count, client) = listener.receive(into: &buffer) else { break }
                handle(Array(buffer[0..<count]), from: client)
            }
            for _ in 0..<64 {
                guard let (count, source) = forwarder.socket.receive(into: &buffer) else { break }
                forwarder.deliver(Array(buffer[0..<count]), from: source, through: listener)
            }
            forwarder.expire(now: monotonicSeconds(), through: listener)
            // podctl writes the names file before it starts pod-dns and never removes it:
            // gone means the state root went (removed by hand, a test's throwaway root),
            // and a responder for nobody must not linger. Checked at least once a second.
            if !names.exists() { exit(0) }
        }
    }

    mutating func handle(_ packet: [UInt8], from client: sockaddr_in) {
        if let reply = respond(to: packet, from: client) { listener.send(reply, to: client) }
    }

    /// The reply to send now, or nil (dropped, or forwarded and answered later).
    mutating func respond(to packet: [UInt8], from client: sockaddr_in) -> [UInt8]? {
        let query: DNSQuery
        do {
            query = try DNSQuery.decode(packet)
        } catch {
            switch error {
            case .tooShort:
                return nil
            case let .malformed(id, flags):
                // Never answer a response: two responders must not echo each other forever.
                return flags & 0x8000 != 0 ? nil : DNSResponse.failure(id: id, queryFlags: flags, rcode: .formErr)
            }
        }
        if query.isResponse { return nil }
        guard query.opcode == 0 else { return DNSResponse.failure(id: query.id, queryFlags: query.flags, rcode: .notImp) }
        switch names.current().decide(name: query.name, type: query.type) {
        case let .answer(rcode, addresses):
            return DNSResponse.answer(query, rcode: rcode, authoritative: true, addresses: addresses)
        case .forward:
            if forwarder.forward(packet, query: query, from: client, now: monotonicSeconds()) { return nil }
            return DNSResponse.answer(query, rcode: .servFail, authoritative: false)
        }
    }
}
