import Foundation
import Glibc
import PodCore

/// One client connection of the streaming server: its HTTP/1.1 request head (bounded in
/// size and time), the upgrade answer, then raw bytes both ways. Blocking writes: a
/// client that stops reading holds only its own connection's thread. Used by one thread
/// at a time (handed from the accepting thread to its session's).
final class StreamConnection: @unchecked Sendable {
    /// A request head of crictl or the kubelet is a few hundred bytes; 16 KiB bounds it.
    static let maxHead = 16 << 10
    /// Time for the request head to arrive.
    static let headTimeout = 10

    let fd: Int32
    /// Bytes read past the head (a client may send frames right after it).
    private(set) var early: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    struct Head {
        var method: String
        var path: String
        /// Names lower-cased; a repeated header keeps every value.
        var headers: [(name: String, value: String)]

        func values(_ name: String) -> [String] {
            headers.filter { $0.name == name }.flatMap { $0.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        }

        func value(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    }

    /// Reads and parses the request head; nil when the client sent none or a malformed one
    /// (answered with 400 here).
    func readHead() -> Head? {
        var timeout = timeval(tv_sec: Self.headTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        defer {
            var none = timeval()
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, socklen_t(MemoryLayout<timeval>.size))
        }
        var bytes: [UInt8] = []
        let end: Int
        while true {
            if let found = Self.headEnd(bytes) { end = found; break }
            guard bytes.count <= Self.maxHead, let chunk = readSome() else {
                if bytes.count > Self.maxHead { respond(431, "Request Header Fields Too Large", "the request head is larger than \(Self.maxHead) bytes") }
                return nil
            }
            bytes += chunk
        }
        early = Array(bytes[end...])
        guard let head = Self.parseHead(bytes[..<end]) else {
            respond(400, "Bad Request", "a malformed HTTP/1.1 request head")
            return nil
        }
        return head
    }

    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    static func parseHead(_ bytes: ArraySlice<UInt8>) -> Head? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }[...]
        guard let request = lines.popFirst() else { return nil }
        let parts = request.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return Head(method: String(parts[0]), path: String(parts[1]), headers: headers)
    }

    /// What the client sent, nil at its end or on an error.
    func readSome() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(chunk[0..<count]) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Sends everything; false when the client is gone.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { done += sent; continue }
            if sent < 0 && errno == EINTR { continue }
            return false
        }
        return true
    }

    /// A plain HTTP answer that ends the connection (an error before any upgrade).
    func respond(_ code: Int, _ reason: String, _ message: String) {
        let body = message + "\n"
        write(Array("HTTP/1.1 \(code) \(reason)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8))
    }

    /// 101 Switching Protocols with `headers`.
    func switchProtocols(_ headers: [(String, String)]) -> Bool {
        let lines = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
        return write(Array("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\(lines)\r\n".utf8))
    }

    /// The end of a session: no more from this side, then a short wait for the client to
    /// read what was sent and close its side, so the last frames are not lost to a reset.
    func finish() {
        shutdown(fd, Int32(SHUT_WR))
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var chunk = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<20 {
            guard poll(&entry, 1, 100) > 0 else { continue }
            if chunk.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) <= 0 { return }
        }
    }
}
