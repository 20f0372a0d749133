import Foundation
import Glibc
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import PodCRIProtocol
import PodTestSupport
import Testing

/// The built podctl-cri, started for one test inside the harness's throwaway mount
/// namespace with the harness's own state roots and cgroup root, on a socket in a
/// temporary directory. It shares the host's network namespace only so that the
/// loopback registry of the test (127.0.0.1) is reachable; it is stopped by PID.
final class CRIDaemon: @unchecked Sendable {
    let harness: Harness
    let directory = TemporaryDirectory("podctl-cri")
    private(set) var process: Process
    /// Entered into the holder's network namespace too (the sandbox tests: pods' bridge
    /// and veths stay in the throwaway namespace).
    let isolatedNetwork: Bool
    let binary: String
    var socket: String { directory.file("cri.sock") }
    var registriesConf: String { directory.file("registries.conf") }
    /// The harness's roots, which its podctl uses too (one image store).
    var root: String { harness.base + "/lib" }
    var runRoot: String { harness.base + "/run" }

    static var binary: String? { Harness.built("podctl-cri") }
    static var built: ConditionTrait { .requires(binary != nil, "needs the podctl-cri binary of this build") }

    /// `binary`: another copy of podctl-cri (a test of what RuntimeReady checks beside it).
    /// `prepare` runs in the new harness before the daemon starts (a mount in its namespace).
    /// `isolatedNetwork`: the daemon runs in the harness's network namespace, as its
    /// podctl does; the image tests keep the host's, for the loopback registry.
    init(registries: String = "", binary: String? = nil, isolatedNetwork: Bool = false, prepare: (Harness) throws -> Void = { _ in }) throws {
        harness = try Harness()
        try prepare(harness)
        try registries.write(toFile: directory.file("registries.conf"), atomically: true, encoding: .utf8)
        guard let binary = binary ?? CRIDaemon.binary else { throw HarnessError("podctl-cri is not built") }
        self.binary = binary
        self.isolatedNetwork = isolatedNetwork
        process = Process()
        FileManager.default.createFile(atPath: directory.file("daemon.log"), contents: nil)
        try start()
    }

    private func start() throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        // The roots come from the environment (PODCTL_ROOT, PODCTL_RUN_ROOT,
        // PODCTL_CGROUP_ROOT), as the harness's podctl gets them; socket and mirrors by flag.
        process.arguments = ["-t", String(harness.holder)] + (isolatedNetwork ? ["-n"] : []) + ["-m", "--", binary, "--socket", directory.file("cri.sock"),
                             "--registries-conf", directory.file("registries.conf")]
        process.environment = harness.podctlEnvironment
        let log = FileHandle(forWritingAtPath: directory.file("daemon.log"))
        log?.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try waitUntil("podctl-cri listens on \(socket)") { CRIDaemon.connects(self.socket) }
    }

    /// SIGKILL, then a new daemon on the same socket and roots: what it knows must come
    /// from the state store.
    func killAndRestart() throws {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try start()
    }

    deinit { stop() }

    /// SIGTERM, then waits for the exit; the exit status (0 for a graceful stop).
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: directory.file("daemon.log"), encoding: .utf8)) ?? "" }

    /// The shared wait (PodTestSupport), which also stops at once if the daemon exits;
    /// either failure carries the daemon's log.
    func waitUntil(_ what: String, seconds: Double = 20, _ condition: () -> Bool) throws {
        do {
            try PodTestSupport.waitUntil(what, timeout: seconds) { () throws -> Bool in
                if condition() { return true }
                guard process.isRunning else { throw HarnessError("podctl-cri exited (\(process.terminationStatus))") }
                return false
            }
        } catch let error as HarnessError {
            throw HarnessError("\(error.description): \(log)")
        }
    }

    static func connects(_ path: String) -> Bool {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 } }
    }

    /// Runs `body` with clients of both services over the daemon's socket.
    func withClients<T: Sendable>(_ body: (Runtime_V1_RuntimeService.Client<HTTP2ClientTransport.Posix>, Runtime_V1_ImageService.Client<HTTP2ClientTransport.Posix>) async throws -> T) async throws -> T {
        try await withGRPCClient(transport: .http2NIOPosix(target: .unixDomainSocket(path: socket), transportSecurity: .plaintext)) { client in
            try await body(Runtime_V1_RuntimeService.Client(wrapping: client), Runtime_V1_ImageService.Client(wrapping: client))
        }
    }
}

/// The gRPC status code a call failed with, and its message; nil when it succeeded.
func rpcFailure(_ call: () async throws -> Void) async -> (code: RPCError.Code, message: String)? {
    do {
        try await call()
        return nil
    } catch let error as RPCError {
        return (error.code, error.message)
    } catch {
        return (.unknown, "\(error)")
    }
}
