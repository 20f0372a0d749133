import PodCore

/// The server side of one SPDY/3.1 session, as far as remotecommand and portforward use
/// it (k8s.io/apimachinery httpstream/spdy over moby/spdystream): the client opens every
/// stream (SYN_STREAM with its headers), the server accepts each with an empty SYN_REPLY,
/// data flows both ways, a DATA frame with FIN half-closes a stream, PINGs are echoed.
/// Streams the server would open (even ids), and flow control, are not used by either.
final class SPDYSession {
    enum Event {
        case opened(stream: UInt32, headers: [(name: String, value: String)])
        case data(stream: UInt32, bytes: [UInt8])
        /// The client half-closed the stream (FIN) or reset it.
        case closed(stream: UInt32)
        case goAway
    }

    /// A session's streams: a few per exec, two per forwarded connection; 1000 bounds
    /// what one client may make this server track.
    static let maxStreams = 1000

    let headers = SPDYHeaderCoding()
    private var buffer: [UInt8] = []
    private(set) var streams: [UInt32: [(name: String, value: String)]] = [:]
    private(set) var lastStream: UInt32 = 0

    /// Takes bytes read from the client; returns the events and the frames to answer with.
    func absorb(_ bytes: [UInt8]) throws(PodError) -> (events: [Event], reply: [UInt8]) {
        buffer += bytes
        var events: [Event] = []
        var reply: [UInt8] = []
        var consumed = 0
        while let (frame, size) = try SPDYFrame.parse(buffer[consumed...]) {
            consumed += size
            guard let frame else { continue }
            try handle(frame, &events, &reply)
        }
        buffer.removeFirst(consumed)
        return (events, reply)
    }

    private func handle(_ frame: SPDYFrame, _ events: inout [Event], _ reply: inout [UInt8]) throws(PodError) {
        switch frame.kind {
        case let .data(stream):
            guard streams[stream] != nil else { return }
            if !frame.payload.isEmpty { events.append(.data(stream: stream, bytes: frame.payload)) }
            if frame.fin { events.append(.closed(stream: stream)) }
        case .control(.synStream):
            guard let stream = frame.stream, let block = frame.headerBlock else { throw SPDYHeaderCoding.malformed("a SYN_STREAM is shorter than 10 bytes") }
            // The block is read even for a refused stream: the zlib stream goes on.
            let pairs = try headers.decode(block)
            guard stream % 2 == 1, stream > lastStream, streams.count < Self.maxStreams else {
                reply += SPDYFrame.rstStream(stream, status: 1).encoded()
                return
            }
            lastStream = stream
            streams[stream] = pairs
            reply += SPDYFrame.synReply(stream, headerBlock: try headers.encode([])).encoded()
            events.append(.opened(stream: stream, headers: pairs))
            if frame.fin { events.append(.closed(stream: stream)) }
        case .control(.rstStream):
            if let stream = frame.stream, streams[stream] != nil { events.append(.closed(stream: stream)) }
        case .control(.headers):
            if let block = frame.headerBlock { _ = try headers.decode(block) }
            if let stream = frame.stream, frame.fin, streams[stream] != nil { events.append(.closed(stream: stream)) }
        case .control(.ping):
            if frame.payload.count == 4 { reply += SPDYFrame.ping(frame.payload).encoded() }
        case .control(.goAway):
            events.append(.goAway)
        case .control(.synReply), .control(.settings), .control(.windowUpdate):
            break
        }
    }

    /// The header `name` of `stream` (names are lower case on the wire).
    func header(_ name: String, of stream: UInt32) -> String? {
        streams[stream]?.first { $0.name == name }?.value
    }

    /// Data to the client on `stream`.
    func send(_ bytes: [UInt8], on stream: UInt32, fin: Bool = false) -> [UInt8] {
        SPDYFrame.data(stream, bytes, fin: fin).encoded()
    }

    /// Every stream half-closed from this side, then GOAWAY: the client's reads end.
    func closeAll() -> [UInt8] {
        var bytes: [UInt8] = []
        for stream in streams.keys.sorted() { bytes += send([], on: stream, fin: true) }
        return bytes + SPDYFrame.goAway(lastStream: lastStream).encoded()
    }
}
