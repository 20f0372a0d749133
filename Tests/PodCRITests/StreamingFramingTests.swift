import CZlib
import Foundation
import PodCore
import Testing
@testable import PodCRI

/// The streaming server's framings and token cache, without root or a daemon: SPDY
/// frames and header blocks, WebSocket frames, what each remotecommand framing makes of
/// a client's bytes, and hostile input to each (bounded, refused, never a crash).
struct StreamingFramingTests {
    // MARK: SPDY

    @Test func spdyDictionaryIsTheDraftsOne() {
        let adler = SPDYDictionary.bytes.withUnsafeBufferPointer { adler32(adler32(0, nil, 0), $0.baseAddress, UInt32($0.count)) }
        #expect(SPDYDictionary.bytes.count == 1423)
        #expect(adler == 0xe3c6_a7c2, "the dictionary id in both ends' zlib headers")
    }

    @Test func spdyFramesRoundTrip() throws {
        let data = SPDYFrame.data(5, Array("hello".utf8), fin: true)
        let parsed = try #require(try SPDYFrame.parse(data.encoded()[...]))
        #expect(parsed.frame == data && parsed.size == 13)
        #expect(parsed.frame?.fin == true && parsed.frame?.stream == 5)
        let reply = SPDYFrame.synReply(7, headerBlock: [1, 2, 3])
        let wire = reply.encoded()
        #expect(Array(wire.prefix(4)) == [0x80, 0x03, 0x00, 0x02], "control bit, version 3, SYN_REPLY")
        #expect(try SPDYFrame.parse(wire[...])?.frame == reply)
        #expect(try SPDYFrame.parse(wire.dropLast()[...]) == nil, "a partial frame waits for more")
        // An unknown control type (a SPDY/3 CREDENTIAL, 10) is skipped whole.
        let unknown: [UInt8] = [0x80, 0x03, 0x00, 0x0a, 0, 0, 0, 2, 9, 9]
        let skipped = try #require(try SPDYFrame.parse(unknown[...]))
        #expect(skipped.frame == nil && skipped.size == 10)
    }

    @Test func spdyRefusesOversizedAndForeignFrames() {
        // A 16 MiB data frame: refused from its header, before any payload is held.
        #expect(throws: PodError.self) { try SPDYFrame.parse([0, 0, 0, 1, 0, 0xff, 0xff, 0xff][...]) }
        #expect(throws: PodError.self) { try SPDYFrame.parse([0x80, 0x02, 0x00, 0x01, 0, 0, 0, 0][...]) }
    }

    @Test func spdyHeaderBlocksKeepTheirZlibStreamAcrossBlocks() throws {
        let client = SPDYHeaderCoding(), server = SPDYHeaderCoding()
        for type in ["error", "stdin", "stdout"] {
            let block = try client.encode([("streamType", type), ("port", "80")])
            let pairs = try server.decode(block[...])
            #expect(pairs.map(\.name) == ["streamtype", "port"], "names lower-cased")
            #expect(pairs.first?.value == type)
        }
    }

    @Test func spdyHeaderBlocksAreBounded() throws {
        // A block that inflates past 64 KiB (a zlib bomb is the same shape).
        let bomb = try SPDYHeaderCoding().encode([("x", String(repeating: "a", count: 200_000))])
        #expect(bomb.count < 2000)
        #expect(throws: PodError.self) { try SPDYHeaderCoding().decode(bomb[...]) }
        // Not zlib at all.
        #expect(throws: PodError.self) { try SPDYHeaderCoding().decode([1, 2, 3, 4, 5, 6, 7, 8][...]) }
        // Well compressed, badly formed: lengths past the end, too many pairs, empty names.
        let tooMany = SPDYFrame.be32(100_000)
        #expect(throws: PodError.self) { try SPDYHeaderCoding.parseBlock(tooMany) }
        #expect(throws: PodError.self) { try SPDYHeaderCoding.parseBlock(SPDYFrame.be32(1) + SPDYFrame.be32(0xffff_ffff)) }
        #expect(throws: PodError.self) { try SPDYHeaderCoding.parseBlock(SPDYFrame.be32(1) + SPDYFrame.be32(0) + SPDYFrame.be32(0)) }
        #expect(throws: PodError.self) { try SPDYHeaderCoding.parseBlock([0, 0]) }
    }

    /// A client's SYN_STREAM for `stream` with `headers`, compressed by `coding`.
    static func synStream(_ stream: UInt32, _ headers: [(String, String)], _ coding: SPDYHeaderCoding, fin: Bool = false) throws -> [UInt8] {
        let block = try coding.encode(headers.map { (name: $0.0, value: $0.1) })
        return SPDYFrame(kind: .control(.synStream), flags: fin ? SPDYFrame.flagFin : 0, payload: SPDYFrame.be32(stream) + SPDYFrame.be32(0) + [0, 0] + block).encoded()
    }

    @Test func spdySessionAcceptsStreamsAnswersPingsAndRefusesServerIDs() throws {
        let client = SPDYHeaderCoding()
        let session = SPDYSession()
        var bytes = try Self.synStream(1, [("streamType", "stdin")], client)
        bytes += SPDYFrame.data(1, [7, 8]).encoded() + SPDYFrame.data(1, [], fin: true).encoded()
        bytes += SPDYFrame.ping([0, 0, 0, 1]).encoded()
        bytes += try Self.synStream(2, [("streamType", "stdout")], client)
        let (events, reply) = try session.absorb(bytes)
        #expect(events.count == 3)
        guard case let .opened(stream, _) = events[0], case let .data(_, data) = events[1], case let .closed(closed) = events[2] else {
            Issue.record("events: \(events)")
            return
        }
        #expect(stream == 1 && data == [7, 8] && closed == 1)
        #expect(session.header("streamtype", of: 1) == "stdin")
        // SYN_REPLY for 1, the PING echoed, RST_STREAM for the even id 2.
        var types: [SPDYFrame.Kind] = []
        var rest = reply[...]
        while let (frame, size) = try SPDYFrame.parse(rest) {
            types.append(try #require(frame).kind)
            rest = rest.dropFirst(size)
        }
        #expect(types == [.control(.synReply), .control(.ping), .control(.rstStream)])
    }

    @Test func spdyRemoteCommandWaitsForItsStreamsAndReadsResizes() throws {
        let client = SPDYHeaderCoding()
        let transport = SPDYRemoteCommand(expected: ["error", "stdout", "resize"], jsonStatus: true)
        _ = try transport.absorb(try Self.synStream(1, [("streamType", "error")], client) + Self.synStream(3, [("streamType", "stdout")], client))
        #expect(!transport.ready)
        _ = try transport.absorb(try Self.synStream(5, [("streamType", "resize")], client))
        #expect(transport.ready)
        let resize = Array("{\"Width\":100,\"Height\":30}\nnot json\n{\"Width\":7,".utf8)
        let (events, _) = try transport.absorb(SPDYFrame.data(5, resize).encoded())
        #expect(events == [.resize(width: 100, height: 30)], "the line that is not JSON is dropped, the partial one waits")
        #expect(throws: PodError.self, "a stream type opened twice") { try transport.absorb(try Self.synStream(7, [("streamType", "stdout")], client)) }
        #expect(transport.output([1], stderr: true).isEmpty, "no stderr stream: dropped")
    }

    // MARK: WebSocket

    /// A client's masked frame.
    static func masked(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 { bytes.append(0x80 | UInt8(payload.count)) } else { bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)] }
        return bytes + mask + payload.enumerated().map { $0.element ^ mask[$0.offset & 3] }
    }

    @Test func webSocketAcceptKeyIsRFC6455s() {
        #expect(WebSocketFrame.accept(key: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func webSocketFramesAndFragments() throws {
        var messages = WebSocketMessages()
        let bytes = Self.masked(2, [0, 1, 2], fin: false) + Self.masked(9, [5]) + Self.masked(0, Array(repeating: 3, count: 300))
        #expect(try messages.absorb(Array(bytes.prefix(5))) == [], "a partial frame waits")
        let got = try messages.absorb(Array(bytes.dropFirst(5)))
        #expect(got == [.ping([5]), .binary([0, 1, 2] + Array(repeating: 3, count: 300))])
        let server = WebSocketFrame.binary(Array(repeating: 1, count: 70000)).encoded()
        #expect(Array(server.prefix(2)) == [0x82, 127] && server.count == 70010)
    }

    @Test func webSocketRefusesHostileFrames() {
        var unmasked = WebSocketMessages()
        #expect(throws: PodError.self, "a client frame must be masked") { try unmasked.absorb([0x82, 0x01, 0x00]) }
        var huge = WebSocketMessages()
        #expect(throws: PodError.self, "a 2^63-byte length") { try huge.absorb([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) }
        var reserved = WebSocketMessages()
        #expect(throws: PodError.self) { try reserved.absorb([0xc2, 0x80, 0, 0, 0, 0]) }
        var orphan = WebSocketMessages()
        #expect(throws: PodError.self, "a continuation of nothing") { try orphan.absorb(Self.masked(0, [1])) }
        var growing = WebSocketMessages()
        let piece = Array(repeating: UInt8(0), count: 60000)
        #expect(throws: PodError.self, "fragments past 1 MiB") {
            _ = try growing.absorb(Self.masked(2, piece, fin: false))
            for _ in 0..<20 { _ = try growing.absorb(Self.masked(0, piece, fin: false)) }
        }
    }

    @Test func webSocketRemoteCommandChannels() throws {
        let transport = WebSocketRemoteCommand()
        let bytes = Self.masked(2, [0] + Array("in".utf8)) + Self.masked(2, [4] + Array("{\"Width\":80,\"Height\":24}".utf8))
            + Self.masked(2, [4] + Array("{not json".utf8)) + Self.masked(2, [255, 0]) + Self.masked(8, [0x03, 0xe8])
        let (events, _) = try transport.absorb(bytes)
        #expect(events == [.stdin(Array("in".utf8)), .resize(width: 80, height: 24), .stdinClosed, .hangUp])
        #expect(transport.output([9], stderr: true) == [0x82, 2, 2, 9])
        let end = transport.finish(.exited(0))
        #expect(end.count > 4 && end[2] == 3, "the status on channel 3, then a close frame")
    }

    // MARK: status, upgrade, tokens

    @Test func exitStatusIsAMetav1Status() throws {
        let failure = try #require(try JSONSerialization.jsonObject(with: Data(RemoteCommandStatus.exited(3).json())) as? [String: Any])
        #expect(failure["status"] as? String == "Failure" && failure["reason"] as? String == "NonZeroExitCode")
        let causes = (failure["details"] as? [String: Any])?["causes"] as? [[String: String]]
        #expect(causes == [["reason": "ExitCode", "message": "3"]])
        let success = try #require(try JSONSerialization.jsonObject(with: Data(RemoteCommandStatus.exited(0).json())) as? [String: Any])
        #expect(success["status"] as? String == "Success")
        #expect(RemoteCommandStatus.exited(0).text().isEmpty)
    }

    @Test func upgradeTakesTheClientsFirstProtocolTheServerSpeaks() throws {
        func head(_ headers: [(String, String)]) -> StreamConnection.Head {
            StreamConnection.Head(method: "POST", path: "/exec/x", headers: headers.map { (name: $0.0, value: $0.1) })
        }
        let spdy = StreamingUpgrade.choose(head([("upgrade", "SPDY/3.1"), ("x-stream-protocol-version", "v9.channel.k8s.io"), ("x-stream-protocol-version", "v4.channel.k8s.io"), ("x-stream-protocol-version", "v5.channel.k8s.io")]),
                                           spdy: StreamingUpgrade.remoteCommandSPDY, webSocket: StreamingUpgrade.remoteCommandWebSocket)
        #expect(try spdy.get().0 == .spdy("v4.channel.k8s.io"))
        let none = StreamingUpgrade.choose(head([("upgrade", "SPDY/3.1"), ("x-stream-protocol-version", "v1.channel.k8s.io")]), spdy: StreamingUpgrade.remoteCommandSPDY, webSocket: [])
        #expect(throws: StreamingUpgrade.Refusal.self) { try none.get() }
        let ws = StreamingUpgrade.choose(head([("upgrade", "websocket"), ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="), ("sec-websocket-protocol", "v5.channel.k8s.io, v4.channel.k8s.io")]),
                                         spdy: StreamingUpgrade.remoteCommandSPDY, webSocket: StreamingUpgrade.remoteCommandWebSocket)
        #expect(try ws.get().0 == .webSocket("v5.channel.k8s.io"))
        let portForwardOverWebSocket = StreamingUpgrade.choose(head([("upgrade", "websocket"), ("sec-websocket-key", "k")]), spdy: StreamingUpgrade.portForwardSPDY, webSocket: [])
        #expect(throws: StreamingUpgrade.Refusal.self) { try portForwardOverWebSocket.get() }
        #expect(StreamConnection.parseHead(Array("GET /x HTTP/1.1\r\nno colon here\r\n".utf8)[...]) == nil)
    }

    final class Clock: @unchecked Sendable {
        var now: Double = 1000
    }

    @Test func tokensWorkOnceAndForAMinute() throws {
        let clock = Clock()
        let tokens = StreamingTokens(now: { clock.now })
        let request = StreamingRequest.portForward(sandboxID: "s")
        let first = try tokens.insert(request)
        let second = try tokens.insert(request)
        #expect(first != second && first.count == 11, "8 random bytes, URL-safe base64 without padding")
        #expect(tokens.consume(first) == request)
        #expect(tokens.consume(first) == nil, "used once")
        #expect(tokens.consume("never-given") == nil)
        clock.now += 61
        #expect(tokens.consume(second) == nil, "expired after a minute unused")
        for _ in 0..<StreamingTokens.maxInFlight { _ = try tokens.insert(request) }
        #expect(throws: PodError.self, "at most 1000 waiting") { try tokens.insert(request) }
        clock.now += 61
        _ = try tokens.insert(request)
    }
}
