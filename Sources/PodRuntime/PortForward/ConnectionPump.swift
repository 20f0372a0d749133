import Foundation
import Glibc

/// Copies one forwarded connection both ways: a thread per direction, blocking reads
/// and writes. A direction that reads end-of-file half-closes the other socket (so a
/// client's `shutdown(SHUT_WR)` reaches the server, as a TCP proxy must); one that fails
/// shuts both sockets down, which wakes the other direction. The last one out closes.
final class ConnectionPump: @unchecked Sendable {
    private let client: Int32
    private let server: Int32
    private let lock = NSLock()
    private var running = 2

    static let bufferSize = 256 * 1024

    init(client: Int32, server: Int32) {
        self.client = client
        self.server = server
    }

    func start() {
        Thread.detachNewThread { [self] in copy(from: client, to: server) }
        Thread.detachNewThread { [self] in copy(from: server, to: client) }
    }

    private func copy(from source: Int32, to target: Int32) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var failed = false
        reading: while true {
            let count = read(source, buffer, Self.bufferSize)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { failed = count < 0; break }
            var offset = 0
            while offset < count {
                let written = send(target, buffer + offset, count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { failed = true; break reading }
                offset += written
            }
        }
        if failed {
            shutdown(source, Int32(SHUT_RDWR))
            shutdown(target, Int32(SHUT_RDWR))
        } else {
            shutdown(target, Int32(SHUT_WR))
        }
        finish()
    }

    private func finish() {
        lock.lock()
        running -= 1
        let last = running == 0
        lock.unlock()
        if last {
            close(client)
            close(server)
        }
    }
}
