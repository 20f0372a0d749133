import Glibc
import PodCore
import PodRuntime

/// portforward.k8s.io over SPDY (the kubelet's streaming/portforward/httpstream.go): for
/// each connection the client opens an error stream and a data stream, both with the
/// headers `port` and `requestID`; once both are there the server connects to that port
/// on the pod's loopback (PodConnector: a helper in the pod's network namespace) and
/// copies both ways. A failed connect is the error stream's text; the data stream's FIN
/// half-closes the pod's socket and the pod's end of file half-closes the data stream.
final class PortForwardSession {
    /// Forwarded connections at once in one session.
    static let maxPairs = 128

    struct Pair {
        var error: UInt32?
        var data: UInt32?
        var port: UInt16?
        var socket: Int32 = -1
        var podClosed = false
    }

    let connection: StreamConnection
    let connector: PodConnector
    let session = SPDYSession()
    private var pairs: [String: Pair] = [:]

    init(connection: StreamConnection, connector: PodConnector) {
        self.connection = connection
        self.connector = connector
    }

    func run() {
        defer {
            for pair in pairs.values where pair.socket >= 0 { close(pair.socket) }
            connector.stop()
        }
        guard absorb(connection.early) else { return }
        var buffer = [UInt8](repeating: 0, count: 32 << 10)
        while true {
            let open = pairs.filter { $0.value.socket >= 0 && !$0.value.podClosed }
            var fds = [pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0), pollfd(fd: connector.pause, events: Int16(POLLIN), revents: 0)]
            fds += open.map { pollfd(fd: $0.value.socket, events: Int16(POLLIN), revents: 0) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 && errno != EINTR { return }
            if fds[1].revents != 0 { break }
            for (index, (id, pair)) in open.enumerated() where fds[index + 2].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(pair.socket, $0.baseAddress, $0.count) }
                guard let stream = pair.data else { continue }
                if count > 0 {
                    guard connection.write(session.send(Array(buffer[0..<count]), on: stream)) else { return }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    pairs[id]?.podClosed = true
                    connection.write(session.send([], on: stream, fin: true))
                }
            }
            if fds[0].revents != 0 {
                guard let bytes = connection.readSome(), absorb(bytes) else { return }
            }
        }
        connection.write(session.closeAll())
        connection.finish()
    }

    /// The client's bytes; false when it is gone or broke the framing.
    private func absorb(_ bytes: [UInt8]) -> Bool {
        do {
            let (events, reply) = try session.absorb(bytes)
            if !reply.isEmpty { connection.write(reply) }
            for event in events {
                switch event {
                case let .opened(stream, _):
                    try opened(stream)
                case let .data(stream, data):
                    if let (_, pair) = pairs.first(where: { $0.value.data == stream }), pair.socket >= 0 {
                        _ = data.withUnsafeBytes { send(pair.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    }
                case let .closed(stream):
                    if let (id, pair) = pairs.first(where: { $0.value.data == stream }), pair.socket >= 0 {
                        shutdown(pair.socket, Int32(SHUT_WR))
                        if pair.podClosed { close(pair.socket); pairs[id] = nil }
                    }
                case .goAway:
                    return false
                }
            }
            return true
        } catch {
            return false
        }
    }

    private func opened(_ stream: UInt32) throws(PodError) {
        let type = session.header("streamtype", of: stream) ?? ""
        guard let id = session.header("requestid", of: stream), type == "error" || type == "data" else {
            throw PodError(.invalidArgument, "a portforward stream without requestID, or of type \"\(type)\"")
        }
        guard pairs[id] != nil || pairs.count < Self.maxPairs else { throw PodError(.invalidArgument, "more than \(Self.maxPairs) forwarded connections at once") }
        var pair = pairs[id] ?? Pair()
        if type == "error" { pair.error = stream } else { pair.data = stream }
        pair.port = session.header("port", of: stream).flatMap { UInt16($0) }.flatMap { $0 == 0 ? nil : $0 }
        pairs[id] = pair
        guard let error = pair.error, let data = pair.data else { return }
        guard let port = pair.port else {
            return refuse(id, error: error, data: data, "invalid port header: a port in 1-65535 is required")
        }
        switch try connector.connect(port) {
        case let .success(socket):
            pairs[id]?.socket = socket
        case let .failure(failure):
            let reason = String(cString: strerror(failure.errno)).lowercased()
            refuse(id, error: error, data: data, "failed to connect to localhost:\(port) inside the pod's network namespace: dial tcp4 127.0.0.1:\(port): connect: \(reason)")
        }
    }

    private func refuse(_ id: String, error: UInt32, data: UInt32, _ message: String) {
        connection.write(session.send(Array(message.utf8), on: error, fin: true) + session.send([], on: data, fin: true))
        pairs[id] = nil
    }
}
