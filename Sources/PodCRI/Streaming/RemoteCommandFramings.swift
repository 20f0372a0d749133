import PodCore

/// remotecommand over SPDY (v2 to v5.channel.k8s.io; v5 over SPDY is v4): the client
/// opens one stream per `streamType` (error, stdin, stdout, stderr, resize), each once.
final class SPDYRemoteCommand: RemoteCommandTransport {
    let session = SPDYSession()
    /// The stream types the request needs before the command starts (the kubelet's
    /// `expectedStreams`: error, and stdin, stdout, stderr and resize as asked).
    let expected: Set<String>
    /// v4 and v5 write a JSON status; v2 and v3 the error's text.
    let jsonStatus: Bool
    private var byType: [String: UInt32] = [:]
    private var resize = ResizeDecoder()

    init(expected: Set<String>, jsonStatus: Bool) {
        self.expected = expected
        self.jsonStatus = jsonStatus
    }

    var ready: Bool { expected.isSubset(of: byType.keys) }

    func absorb(_ bytes: [UInt8]) throws(PodError) -> (events: [RemoteCommandEvent], reply: [UInt8]) {
        let (spdy, reply) = try session.absorb(bytes)
        var events: [RemoteCommandEvent] = []
        for event in spdy {
            switch event {
            case let .opened(stream, _):
                let type = session.header("streamtype", of: stream) ?? ""
                guard ["error", "stdin", "stdout", "stderr", "resize"].contains(type), byType[type] == nil else {
                    throw PodError(.invalidArgument, "a remotecommand stream of type \"\(type)\" is unknown or opened twice")
                }
                byType[type] = stream
            case let .data(stream, data):
                if stream == byType["stdin"] { events.append(.stdin(data)) }
                if stream == byType["resize"] { events += resize.absorb(data) }
            case let .closed(stream):
                if stream == byType["stdin"] { events.append(.stdinClosed) }
            case .goAway:
                events.append(.hangUp)
            }
        }
        return (events, reply)
    }

    func output(_ bytes: [UInt8], stderr: Bool) -> [UInt8] {
        guard let stream = byType[stderr ? "stderr" : "stdout"] else { return [] }
        return session.send(bytes, on: stream)
    }

    func finish(_ status: RemoteCommandStatus) -> [UInt8] {
        var bytes: [UInt8] = []
        if let stream = byType["error"] {
            let message = jsonStatus ? status.json() : status.text()
            if !message.isEmpty { bytes += session.send(message, on: stream) }
        }
        return bytes + session.closeAll()
    }
}

/// remotecommand over WebSocket (v4 and v5.channel.k8s.io): binary messages whose first
/// byte is the channel, 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5's 255 closes
/// the channel named by the next byte (client-go sends it when stdin ends).
final class WebSocketRemoteCommand: RemoteCommandTransport {
    private var messages = WebSocketMessages()

    var ready: Bool { true }

    func absorb(_ bytes: [UInt8]) throws(PodError) -> (events: [RemoteCommandEvent], reply: [UInt8]) {
        var events: [RemoteCommandEvent] = []
        var reply: [UInt8] = []
        for message in try messages.absorb(bytes) {
            switch message {
            case let .binary(data):
                guard let channel = data.first else { continue }
                switch channel {
                case 0: if data.count > 1 { events.append(.stdin(Array(data.dropFirst()))) }
                case 4: if let resize = ResizeDecoder.parse(data.dropFirst()) { events.append(resize) }
                case 255: if data.count > 1 && data[1] == 0 { events.append(.stdinClosed) }
                default: break
                }
            case .text:
                break
            case let .ping(payload):
                reply += WebSocketFrame(fin: true, opcode: .pong, payload: payload).encoded()
            case .close:
                events.append(.hangUp)
            }
        }
        return (events, reply)
    }

    func output(_ bytes: [UInt8], stderr: Bool) -> [UInt8] {
        WebSocketFrame.binary([stderr ? 2 : 1] + bytes).encoded()
    }

    func finish(_ status: RemoteCommandStatus) -> [UInt8] {
        WebSocketFrame.binary([3] + status.json()).encoded() + WebSocketFrame.normalClose.encoded()
    }
}
