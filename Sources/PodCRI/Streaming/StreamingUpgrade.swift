/// The HTTP/1.1 upgrade of a streaming request (k8s.io/apimachinery httpstream.Handshake
/// and wsstream): SPDY/3.1 with the subprotocol in `X-Stream-Protocol-Version`, or
/// WebSocket with it in `Sec-WebSocket-Protocol`. The first protocol the client offers
/// that this server speaks wins, as `httpstream.Handshake` chooses.
enum StreamingUpgrade: Equatable {
    case spdy(String)
    case webSocket(String)

    /// remotecommand over SPDY, newest first; v1 (no error stream protocol) is not served.
    static let remoteCommandSPDY = ["v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io"]
    /// remotecommand over WebSocket: the binary channel protocols (not the base64 ones).
    static let remoteCommandWebSocket = ["v5.channel.k8s.io", "v4.channel.k8s.io"]
    static let portForwardSPDY = ["portforward.k8s.io"]

    /// What the client asks for, or the HTTP error to answer (and nil).
    static func choose(_ head: StreamConnection.Head, spdy: [String], webSocket: [String]) -> Result<(StreamingUpgrade, [(String, String)]), Refusal> {
        let upgrade = head.values("upgrade").map { $0.lowercased() }
        if upgrade.contains("spdy/3.1") {
            let offered = head.values("x-stream-protocol-version")
            guard let chosen = offered.first(where: spdy.contains) else {
                return .failure(Refusal(code: 403, reason: "Forbidden", message: "unable to upgrade: unable to negotiate protocol: client supports \(offered), server supports \(spdy)"))
            }
            return .success((.spdy(chosen), [("Upgrade", "SPDY/3.1"), ("X-Stream-Protocol-Version", chosen)]))
        }
        if upgrade.contains("websocket") {
            guard !webSocket.isEmpty else {
                return .failure(Refusal(code: 400, reason: "Bad Request", message: "this stream is served over SPDY/3.1 only"))
            }
            let offered = head.values("sec-websocket-protocol")
            guard let key = head.value("sec-websocket-key"), key.utf8.count <= 64 else {
                return .failure(Refusal(code: 400, reason: "Bad Request", message: "a WebSocket upgrade needs Sec-WebSocket-Key (RFC 6455 §4.1)"))
            }
            guard let chosen = offered.first(where: webSocket.contains) else {
                return .failure(Refusal(code: 403, reason: "Forbidden", message: "unable to upgrade: unable to negotiate protocol: client supports \(offered), server supports \(webSocket)"))
            }
            return .success((.webSocket(chosen), [("Upgrade", "websocket"), ("Sec-WebSocket-Accept", WebSocketFrame.accept(key: key)), ("Sec-WebSocket-Protocol", chosen)]))
        }
        return .failure(Refusal(code: 400, reason: "Bad Request", message: "unable to upgrade: missing upgrade headers in request (SPDY/3.1 or websocket)"))
    }

    struct Refusal: Error, Equatable {
        var code: Int
        var reason: String
        var message: String
    }

    /// Answers the upgrade on `connection`: 101, or the refusal (then nil).
    static func negotiate(_ head: StreamConnection.Head, spdy: [String], webSocket: [String], on connection: StreamConnection) -> StreamingUpgrade? {
        switch choose(head, spdy: spdy, webSocket: webSocket) {
        case let .failure(refusal):
            connection.respond(refusal.code, refusal.reason, refusal.message)
            return nil
        case let .success((upgrade, headers)):
            return connection.switchProtocols(headers) ? upgrade : nil
        }
    }
}
