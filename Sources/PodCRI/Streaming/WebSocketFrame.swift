import Crypto
import Foundation
import PodCore

/// WebSocket framing (RFC 6455 §5) as the remotecommand and portforward channels use it:
/// whole binary messages whose first byte is the channel (k8s.io/apimachinery
/// wsstream: 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5 adds 255, "close this
/// channel"). Client frames are masked (§5.3: a server refuses an unmasked one); this
/// server's are not. Fragmented messages are joined, up to `maxMessage`.
struct WebSocketFrame: Equatable {
    /// A client's messages are stdin chunks and resize events; 1 MiB bounds what one
    /// message may make this server hold.
    static let maxMessage = 1 << 20

    enum Opcode: UInt8 {
        case continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10
    }

    var fin: Bool
    var opcode: Opcode
    var payload: [UInt8]

    /// A complete client frame at the start of `buffer` and its size; nil while more
    /// bytes are needed.
    static func parse(_ buffer: ArraySlice<UInt8>) throws(PodError) -> (frame: WebSocketFrame, size: Int)? {
        guard buffer.count >= 2 else { return nil }
        let base = buffer.startIndex
        let first = buffer[base], second = buffer[base + 1]
        guard first & 0x70 == 0 else { throw refused("it sets reserved bits (no extension was agreed)") }
        guard let opcode = Opcode(rawValue: first & 0x0f) else { throw refused("its opcode \(first & 0x0f) is unknown") }
        guard second & 0x80 != 0 else { throw refused("a client's frame must be masked (RFC 6455 §5.3)") }
        var at = base + 2
        var length = Int(second & 0x7f)
        if length == 126 {
            guard buffer.count >= 4 else { return nil }
            length = Int(buffer[at]) << 8 | Int(buffer[at + 1])
            at += 2
        } else if length == 127 {
            guard buffer.count >= 10 else { return nil }
            var wide: UInt64 = 0
            for index in at..<(at + 8) { wide = wide << 8 | UInt64(buffer[index]) }
            guard wide <= UInt64(maxMessage) else { throw refused("its \(wide) bytes are more than \(maxMessage)") }
            length = Int(wide)
            at += 8
        }
        guard length <= maxMessage else { throw refused("its \(length) bytes are more than \(maxMessage)") }
        if opcode.rawValue >= 8 {
            guard length <= 125, first & 0x80 != 0 else { throw refused("a control frame is fragmented or longer than 125 bytes") }
        }
        guard buffer.endIndex - at >= 4 + length else { return nil }
        let mask = Array(buffer[at..<(at + 4)])
        at += 4
        var payload = Array(buffer[at..<(at + length)])
        for index in payload.indices { payload[index] ^= mask[index & 3] }
        return (WebSocketFrame(fin: first & 0x80 != 0, opcode: opcode, payload: payload), at + length - base)
    }

    /// A server frame (unmasked, §5.1).
    func encoded() -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode.rawValue]
        let count = payload.count
        if count < 126 {
            bytes.append(UInt8(count))
        } else if count <= 0xffff {
            bytes += [126, UInt8(count >> 8), UInt8(count & 0xff)]
        } else {
            bytes.append(127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(UInt64(count) >> UInt64(shift) & 0xff)) }
        }
        return bytes + payload
    }

    static func binary(_ payload: [UInt8]) -> WebSocketFrame { WebSocketFrame(fin: true, opcode: .binary, payload: payload) }

    /// A close frame with status 1000 (normal closure), which client-go reads as a clean end.
    static let normalClose = WebSocketFrame(fin: true, opcode: .close, payload: [0x03, 0xe8])

    static func refused(_ why: String) -> PodError {
        PodError(.invalidArgument, "a malformed WebSocket frame: \(why)")
    }

    /// Sec-WebSocket-Accept (§4.2.2): base64 of the SHA-1 of the client's key and the
    /// protocol's GUID.
    static func accept(key: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }
}

/// Whole messages out of a client's frames: fragments joined, control frames passed on
/// as they come (they may sit between fragments, §5.4).
struct WebSocketMessages {
    enum Message: Equatable {
        case binary([UInt8])
        case text([UInt8])
        case ping([UInt8])
        case close
    }

    private var buffer: [UInt8] = []
    private var fragments: [UInt8] = []
    private var fragmentOpcode: WebSocketFrame.Opcode?

    /// Takes bytes read from the socket; returns the messages they complete.
    mutating func absorb(_ bytes: [UInt8]) throws(PodError) -> [Message] {
        buffer += bytes
        var messages: [Message] = []
        var consumed = 0
        while let (frame, size) = try WebSocketFrame.parse(buffer[consumed...]) {
            consumed += size
            switch frame.opcode {
            case .ping: messages.append(.ping(frame.payload))
            case .pong: break
            case .close: messages.append(.close)
            case .continuation:
                guard let opcode = fragmentOpcode else { throw WebSocketFrame.refused("a continuation with no message to continue") }
                fragments += frame.payload
                guard fragments.count <= WebSocketFrame.maxMessage else { throw WebSocketFrame.refused("a fragmented message of more than \(WebSocketFrame.maxMessage) bytes") }
                if frame.fin {
                    messages.append(opcode == .text ? .text(fragments) : .binary(fragments))
                    fragments = []
                    fragmentOpcode = nil
                }
            case .binary, .text:
                guard fragmentOpcode == nil else { throw WebSocketFrame.refused("a new message inside a fragmented one") }
                if frame.fin {
                    messages.append(frame.opcode == .text ? .text(frame.payload) : .binary(frame.payload))
                } else {
                    fragmentOpcode = frame.opcode
                    fragments = frame.payload
                }
            }
        }
        buffer.removeFirst(consumed)
        return messages
    }
}
