import CPodShim
import Foundation
import Glibc
import PodTestSupport
@testable import PodCRI

/// The smallest clients of the streaming server the tests need: an HTTP upgrade, then
/// SPDY streams or WebSocket channels, read until the server closes the connection (or a
/// condition holds). The daemon listens on 127.0.0.1 inside the harness's network
/// namespace, so the socket is made by a thread that joined it (the socket stays there).
/// The SPDY client compresses its header blocks with PodCRI's coder; crictl, critest and
/// the kubelet's client-go are the independent check of that (docs/cri.md).
class StreamingTestClient {
    let fd: Int32
    var buffer: [UInt8] = []
    var closed = false

    init(url: String, holder: pid_t, head: [String]) throws {
        guard let parsed = URL(string: url), let port = parsed.port else { throw HarnessError("not a streaming URL: \(url)") }
        fd = try Self.dial(port: UInt16(port), holder: holder)
        let request = (["\(head[0]) \(parsed.path) HTTP/1.1", "Host: 127.0.0.1:\(port)"] + head.dropFirst()).joined(separator: "\r\n") + "\r\n\r\n"
        write(Array(request.utf8))
        var response: [UInt8] = []
        while StreamConnection.headEnd(response) == nil, let chunk = readSome(seconds: 10) { response += chunk }
        guard let end = StreamConnection.headEnd(response) else { throw HarnessError("no answer to the upgrade") }
        let status = String(decoding: response[..<end], as: UTF8.self)
        guard status.hasPrefix("HTTP/1.1 101") else { throw HarnessError("the upgrade was refused: \(status)") }
        buffer = Array(response[end...])
    }

    deinit { close(fd) }

    /// A TCP connection to 127.0.0.1:port in the network namespace of `holder`.
    static func dial(port: UInt16, holder: pid_t) throws -> Int32 {
        final class Box: @unchecked Sendable { var fd: Int32 = -1; var error = "" }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { done.signal() }
            let namespace = open("/proc/\(holder)/ns/net", O_RDONLY | O_CLOEXEC)
            guard namespace >= 0, podshim_setns(namespace, 0x4000_0000) == 0 else {  // CLONE_NEWNET
                box.error = "setns: \(String(cString: strerror(errno)))"
                return
            }
            close(namespace)
            box.fd = connectLoopback(port)
            if box.fd < 0 { box.error = "connect: \(String(cString: strerror(errno)))" }
        }
        done.wait()
        guard box.fd >= 0 else { throw HarnessError("cannot reach the streaming server: \(box.error)") }
        return box.fd
    }

    /// A connected socket, or -1.
    static func connectLoopback(_ port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if result != 0 { close(fd); return -1 }
        return fd
    }

    func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Bytes within `seconds`; nil at end of file, a timeout or an error.
    func readSome(seconds: Double) -> [UInt8]? {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(seconds * 1000)) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(chunk[0..<count]) : nil
    }
}

/// remotecommand and portforward over SPDY/3.1.
final class SPDYTestClient: StreamingTestClient {
    let coding = SPDYHeaderCoding()
    private var nextStream: UInt32 = 1
    /// What arrived per stream, and which streams the server half-closed.
    var received: [UInt32: [UInt8]] = [:]
    var finished: Set<UInt32> = []

    init(url: String, holder: pid_t, protocol name: String) throws {
        try super.init(url: url, holder: holder, head: ["POST", "Connection: Upgrade", "Upgrade: SPDY/3.1", "X-Stream-Protocol-Version: \(name)"])
    }

    /// Opens a stream with `headers` and waits for its SYN_REPLY.
    func open(_ headers: [(String, String)]) throws -> UInt32 {
        let stream = nextStream
        nextStream += 2
        let block = try coding.encode(headers.map { (name: $0.0, value: $0.1) })
        write(SPDYFrame(kind: .control(.synStream), flags: 0, payload: SPDYFrame.be32(stream) + SPDYFrame.be32(0) + [0, 0] + block).encoded())
        return stream
    }

    func send(_ bytes: [UInt8], on stream: UInt32, fin: Bool = false) {
        write(SPDYFrame.data(stream, bytes, fin: fin).encoded())
    }

    /// Reads until `done` holds or the connection ends (within 30 s); false on a timeout.
    @discardableResult
    func read(until done: (SPDYTestClient) -> Bool = { _ in false }) throws -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while !done(self) {
            guard !closed else { return true }
            guard Date() < deadline else { return false }
            guard let chunk = readSome(seconds: 1) else {
                if pollReadable() { closed = true }
                continue
            }
            buffer += chunk
            while let (frame, size) = try SPDYFrame.parse(buffer[...]) {
                buffer.removeFirst(size)
                guard let frame else { continue }
                if case let .data(stream) = frame.kind {
                    received[stream, default: []] += frame.payload
                    if frame.fin { finished.insert(stream) }
                }
                if let block = frame.headerBlock { _ = try coding.decode(block) }
            }
        }
        return true
    }

    private func pollReadable() -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    func text(_ stream: UInt32) -> String { String(decoding: received[stream] ?? [], as: UTF8.self) }
}

/// remotecommand over WebSocket (v5.channel.k8s.io).
final class WebSocketTestClient: StreamingTestClient {
    var received: [UInt8: [UInt8]] = [:]

    init(url: String, holder: pid_t) throws {
        try super.init(url: url, holder: holder, head: ["GET", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                                                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol: v5.channel.k8s.io"])
    }

    /// A masked binary message on `channel`.
    func send(_ bytes: [UInt8], on channel: UInt8) {
        let payload = [channel] + bytes
        let mask: [UInt8] = [1, 2, 3, 4]
        var frame: [UInt8] = [0x82]
        if payload.count < 126 { frame.append(0x80 | UInt8(payload.count)) } else { frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)] }
        write(frame + mask + payload.enumerated().map { $0.element ^ mask[$0.offset & 3] })
    }

    /// Reads messages until the server's close frame (within 30 s); false on a timeout.
    func readToClose() -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            while buffer.count >= 2 {
                var length = Int(buffer[1] & 0x7f), at = 2
                if length == 126 { guard buffer.count >= 4 else { break }; length = Int(buffer[2]) << 8 | Int(buffer[3]); at = 4 }
                if length == 127 { guard buffer.count >= 10 else { break }; length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }; at = 10 }
                guard buffer.count >= at + length else { break }
                let opcode = buffer[0] & 0x0f
                let payload = Array(buffer[at..<(at + length)])
                buffer.removeFirst(at + length)
                if opcode == 8 { return true }
                if opcode == 2, let channel = payload.first { received[channel, default: []] += payload.dropFirst() }
            }
            guard let chunk = readSome(seconds: 1) else { continue }
            buffer += chunk
        }
        return false
    }

    func text(_ channel: UInt8) -> String { String(decoding: received[channel] ?? [], as: UTF8.self) }
}
