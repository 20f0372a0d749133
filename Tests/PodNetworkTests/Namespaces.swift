import CPodShim
import Foundation
import Glibc
import PodNetlink
import PodTestSupport
import Testing

/// Integration tests never touch the machine's own network namespace: every link,
/// address, route and nftables rule is made inside throwaway namespaces, each held by a
/// `sleep` in its own network namespace (`unshare --net`), and entered by a dedicated
/// thread that calls `setns` (a network namespace is per thread; the thread ends after
/// its work, so nothing of the test process stays in it).
enum Integration {
    /// Runs a read-only check command in the test process's own namespace (the machine's),
    /// to prove the tests leave it as it was.
    static func machine(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// A TCP and a UDP server answering with a fixed word, on sockets made inside a namespace.
/// The sockets stay in that namespace whichever thread serves them.
final class WordServer: @unchecked Sendable {
    let word: String
    private let tcp: Int32
    private let udp: Int32
    private let lock = NSLock()
    private var running = true
    private let finished = DispatchSemaphore(value: 0)

    init(in holder: NamespaceHolder, port: UInt16, word: String) throws {
        self.word = word
        (tcp, udp) = try holder.run {
            let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var one: Int32 = 1
            setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            for fd in [tcp, udp] {
                var address = Sockets.address(IPv4Address(0), port)
                let result = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                }
                guard result == 0 else { throw TestFailure("bind port \(port): errno \(errno)") }
            }
            guard listen(tcp, 16) == 0 else { throw TestFailure("listen: errno \(errno)") }
            return (tcp, udp)
        }
        Thread { self.serve() }.start()
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private func serve() {
        let reply = Array((word + "\n").utf8)
        while isRunning {
            var fds = [pollfd(fd: tcp, events: Int16(POLLIN), revents: 0), pollfd(fd: udp, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, 50) > 0 else { continue }
            if fds[0].revents & Int16(POLLIN) != 0 {
                let client = accept(tcp, nil, nil)
                if client >= 0 {
                    _ = reply.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                    close(client)
                }
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                var buffer = [UInt8](repeating: 0, count: 512)
                var peer = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(udp, &buffer, buffer.count, 0, $0, &length) }
                }
                if count >= 0 {
                    _ = withUnsafePointer(to: &peer) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                            reply.withUnsafeBytes { sendto(udp, $0.baseAddress, $0.count, 0, pointer, length) }
                        }
                    }
                }
            }
        }
        close(tcp)
        close(udp)
        finished.signal()
    }

    func stop() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        if wasRunning { finished.wait() }
    }
}

enum Sockets {
    static func address(_ ip: IPv4Address, _ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = ip.value.bigEndian
        return address
    }

    /// One TCP exchange from the calling thread's namespace: connect, read to end of file.
    /// Nil when the connection fails or nothing comes within `timeout`.
    static func fetchTCP(_ ip: IPv4Address, _ port: UInt16, timeout: Int32 = 1000) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = Sockets.address(ip, port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS { return nil }
        var bytes: [UInt8] = []
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, timeout) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 256)
            let count = read(fd, &chunk, chunk.count)
            if count > 0 { bytes += chunk[0..<count]; continue }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            if errno == EAGAIN { continue }
            return nil
        }
    }

    /// One UDP exchange: a datagram out, the answer back within `timeout`.
    static func fetchUDP(_ ip: IPv4Address, _ port: UInt16, timeout: Int32 = 500) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = Sockets.address(ip, port)
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, "ping", 4, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard sent == 4 else { return nil }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeout) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 256)
        let count = recv(fd, &chunk, chunk.count, 0)
        return count > 0 ? String(decoding: chunk[0..<count], as: UTF8.self) : nil
    }

    /// A TCP listener on `port` of every address, in the calling thread's namespace.
    static func listener(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = Sockets.address(IPv4Address(0), port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, result == 0, listen(fd, 4) == 0 else { throw TestFailure("listener on \(port): errno \(errno)") }
        return fd
    }
}
