import Foundation
import Glibc
import PodTestSupport

/// A TCP proxy on 127.0.0.1 in front of the test registry that breaks off the first
/// response longer than `cutAfter` bytes, as a dropped connection does mid-layer. It
/// keeps the requests it forwarded, so a test can see the resumption's `Range`.
final class CuttingProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let cutAfter: Int
    private let lock = NSLock()
    private var cutCount = 0
    private var seen: [String] = []
    private var closed = false

    var cuts: Int { lock.withLock { cutCount } }
    var requests: [String] { lock.withLock { seen } }

    init(upstreamPort: Int, cutAfter: Int) throws {
        self.upstreamPort = upstreamPort
        self.cutAfter = cutAfter
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = CuttingProxy.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else { close(fd); throw TestFailure("the proxy cannot listen") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit {
        lock.withLock { closed = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = CuttingProxy.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            guard connected else { close(client); close(upstream); continue }
            Thread.detachNewThread { [self] in pump(from: client, to: upstream, requests: true) }
            Thread.detachNewThread { [self] in pump(from: upstream, to: client, requests: false) }
        }
    }

    private func pump(from source: Int32, to target: Int32, requests: Bool) {
        var buffer = [UInt8](repeating: 0, count: 16384)
        var total = 0
        defer {
            shutdown(source, Int32(SHUT_RDWR))
            shutdown(target, Int32(SHUT_RDWR))
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 { return }
            if requests { lock.withLock { seen.append(String(decoding: buffer[0..<count], as: UTF8.self)) } }
            total += count
            if !requests && total > cutAfter {
                let cut = lock.withLock { () -> Bool in
                    guard cutCount == 0 else { return false }
                    cutCount += 1
                    return true
                }
                if cut { return }
            }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { send(target, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { return }
                sent += written
            }
        }
    }
}
