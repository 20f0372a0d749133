/// The grpc probe: one call of `grpc.health.v1.Health/Check` over HTTP/2 without TLS
/// (h2c with prior knowledge), as the kubelet makes it. The request needs only the static
/// HPACK table and literals; the answer is read from the DATA frame of stream 1 (the
/// HealthCheckResponse message: field 1, the serving status), so no HPACK decoder is
/// needed. A stream that ends without a message, RST_STREAM or GOAWAY is a failure.

import PodPlan
struct GRPCHealth {
    var authority: String
    var service: String

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    func request() -> [UInt8] {
        var headers: [UInt8] = [0x83, 0x86] // :method POST, :scheme http (static table 3 and 6)
        headers += literal(index: 4, "/grpc.health.v1.Health/Check") // :path
        headers += literal(index: 1, authority) // :authority
        headers += literal(name: "content-type", "application/grpc")
        headers += literal(name: "te", "trailers")
        headers += literal(name: "user-agent", "kube-probe/1.33")
        var message: [UInt8] = []
        if !service.isEmpty { message = [0x0a] + varint(service.utf8.count) + Array(service.utf8) }
        let length = UInt32(message.count)
        let data: [UInt8] = [0, UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)] + message
        return Self.preface + Self.frame(type: 0x4, flags: 0, stream: 0, []) // SETTINGS
            + Self.frame(type: 0x1, flags: 0x4, stream: 1, headers) // HEADERS, END_HEADERS
            + Self.frame(type: 0x0, flags: 0x1, stream: 1, data) // DATA, END_STREAM
    }

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff), type, flags,
                UInt8((stream >> 24) & 0x7f), UInt8((stream >> 16) & 0xff), UInt8((stream >> 8) & 0xff), UInt8(stream & 0xff)] + payload
    }

    /// Literal header field without indexing, name from the static table (RFC 7541 6.2.2).
    private func literal(index: UInt8, _ value: String) -> [UInt8] {
        [index] + string(value)
    }

    /// Literal header field without indexing, new name.
    private func literal(name: String, _ value: String) -> [UInt8] {
        [0x00] + string(name) + string(value)
    }

    /// A string literal without Huffman coding: 7-bit prefix integer length, then the bytes.
    private func string(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return integer(bytes.count, prefixBits: 7) + bytes
    }

    private func integer(_ value: Int, prefixBits: Int) -> [UInt8] {
        let limit = (1 << prefixBits) - 1
        if value < limit { return [UInt8(value)] }
        var rest = value - limit
        var bytes = [UInt8(limit)]
        while rest >= 128 { bytes.append(UInt8(rest % 128 + 128)); rest /= 128 }
        bytes.append(UInt8(rest))
        return bytes
    }

    private func varint(_ value: Int) -> [UInt8] {
        var rest = value
        var bytes: [UInt8] = []
        while rest >= 128 { bytes.append(UInt8(rest & 0x7f) | 0x80); rest >>= 7 }
        bytes.append(UInt8(rest))
        return bytes
    }

    static let statusNames = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"]

    /// The result once the frames tell it; nil while more is needed.
    func interpret(_ bytes: [UInt8], ended: Bool) -> CheckResult? {
        var offset = 0
        var message: [UInt8] = []
        while bytes.count - offset >= 9 {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            let type = bytes[offset + 3], flags = bytes[offset + 4]
            let stream = (UInt32(bytes[offset + 5]) & 0x7f) << 24 | UInt32(bytes[offset + 6]) << 16 | UInt32(bytes[offset + 7]) << 8 | UInt32(bytes[offset + 8])
            guard bytes.count - offset - 9 >= length else { break }
            let payload = Array(bytes[(offset + 9)..<(offset + 9 + length)])
            offset += 9 + length
            switch type {
            case 0x0 where stream == 1:
                message += payload
                if let status = Self.servingStatus(message) { return status }
                if flags & 0x1 != 0 { return .failure("rpc error: the health service sent no status") }
            case 0x1 where stream == 1 && flags & 0x1 != 0:
                return .failure("rpc error: the call ended without a message (is grpc.health.v1.Health served\(service.isEmpty ? "" : " for \"\(service)\"")?)")
            case 0x3 where stream == 1:
                return .failure("rpc error: the server reset the stream")
            case 0x7:
                return .failure("rpc error: the server refused the connection (GOAWAY)")
            default:
                continue
            }
        }
        return ended ? .failure("rpc error: the connection closed before an answer") : nil
    }

    /// The status of a complete gRPC message holding a HealthCheckResponse.
    static func servingStatus(_ message: [UInt8]) -> CheckResult? {
        guard message.count >= 5 else { return nil }
        let length = Int(message[1]) << 24 | Int(message[2]) << 16 | Int(message[3]) << 8 | Int(message[4])
        guard message.count >= 5 + length else { return nil }
        let body = message[5..<(5 + length)]
        var status = 0
        if body.count >= 2, body.first == 0x08 { status = Int(body[body.startIndex + 1]) }
        if status == 1 { return .success("") }
        let name = status < statusNames.count ? statusNames[status] : String(status)
        return .failure("service unhealthy (responded with \"\(name)\")")
    }
}
