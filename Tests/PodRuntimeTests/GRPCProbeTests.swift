import Foundation
import Glibc
import PodTestSupport
import Testing

@_silgen_name("setns") private func libcSetns(_ fd: Int32, _ nstype: Int32) -> Int32

/// A minimal gRPC health server over h2c, listening on 127.0.0.1 inside the harness's
/// network namespace (a thread of this process enters it; setns(2) of a network
/// namespace is per thread). It answers every call with one serving status.
final class GRPCHealthServer: @unchecked Sendable {
    let ready = DispatchSemaphore(value: 0)
    var failure: String?
    var listener: Int32 = -1

    /// Wakes the thread out of accept(2) so it ends, with its namespace reference.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
    }

    init(inNetworkOf pid: pid_t, port: UInt16, status: UInt8) {
        Thread { [self] in serve(pid: pid, port: port, status: status) }.start()
    }

    private func serve(pid: pid_t, port: UInt16, status: UInt8) {
        let ns = open("/proc/\(pid)/ns/net", O_RDONLY)
        guard ns >= 0, libcSetns(ns, 0x4000_0000) == 0 else { failure = "setns failed"; ready.signal(); return }
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener); close(ns) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(listener, 16) == 0 else { failure = "bind failed: \(errno)"; ready.signal(); return }
        ready.signal()
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { if errno == EINTR { continue } else { return } }
            if readCall(connection) { _ = Self.response(status).withUnsafeBytes { write(connection, $0.baseAddress, $0.count) } }
            close(connection)
        }
    }

    /// Reads the client's preface and frames until its DATA frame ends stream 1.
    private func readCall(_ fd: Int32) -> Bool {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return false }
            bytes += buffer[0..<count]
            var offset = 24
            while bytes.count >= offset + 9 {
                let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
                if bytes[offset + 3] == 0 && bytes[offset + 4] & 1 != 0 && bytes.count >= offset + 9 + length { return true }
                offset += 9 + length
            }
        }
    }

    static func frame(_ type: UInt8, _ flags: UInt8, _ stream: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0, UInt8(payload.count >> 8), UInt8(payload.count & 0xff), type, flags, 0, 0, 0, stream] + payload
    }

    static func response(_ status: UInt8) -> [UInt8] {
        let contentType: [UInt8] = [0x00, 12] + Array("content-type".utf8) + [16] + Array("application/grpc".utf8)
        let grpcStatus: [UInt8] = [0x00, 11] + Array("grpc-status".utf8) + [1] + Array("0".utf8)
        return frame(4, 0, 0, []) + frame(4, 1, 0, [])
            + frame(1, 4, 1, [0x88] + contentType)
            + frame(0, 0, 1, [0, 0, 0, 0, 2, 0x08, status])
            + frame(1, 5, 1, grpcStatus)
    }
}

@Suite(.serialized) struct GRPCProbeTests {
    @Test(.needsRoot) func theHealthServiceDecidesReadiness() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let serving = GRPCHealthServer(inNetworkOf: harness.holder, port: 50051, status: 1)
        let notServing = GRPCHealthServer(inNetworkOf: harness.holder, port: 50052, status: 2)
        for server in [serving, notServing] {
            #expect(server.ready.wait(timeout: .now() + 10) == .success && server.failure == nil, "\(server.failure ?? "timeout")")
        }
        for (name, port) in [("up", 50051), ("down", 50052)] {
            // On the host's network, the probe goes to 127.0.0.1: the test's server.
            try harness.apply(ProbeIntegrationTests.pod(name, """
                command: ["sh", "-c", "\(ProbeIntegrationTests.loop)"]
                readinessProbe: {grpc: {port: \(port)}, periodSeconds: 1}
                """, extra: "hostNetwork: true"))
        }
        #expect(try harness.run(["wait", "--for=condition=Ready", "pod/up", "--timeout=20s"]).status == 0)
        try harness.waitFor("the NOT_SERVING answer") {
            (try harness.status("down")["events"] as? [[String: Any]] ?? []).contains {
                $0["message"] as? String == "Readiness probe failed: service unhealthy (responded with \"NOT_SERVING\")"
            }
        }
        #expect(try harness.run(["get", "pods", "down"]).stdout.contains("0/1"))
        try harness.run(["delete", "pod", "up", "down", "--now"])
        serving.stop()
        notServing.stop()
    }
}
