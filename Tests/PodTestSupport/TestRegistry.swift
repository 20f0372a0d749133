import Foundation
import Glibc
import PodCore
import PodImage
import Testing

/// A real registry for the tests: Debian's docker-registry (the CNCF distribution
/// registry) on 127.0.0.1, with its own configuration and storage in a temporary
/// directory, stopped by PID when the value goes.
public final class TestRegistry: @unchecked Sendable {
    public enum Auth {
        case none
        case htpasswd(user: String, password: String)
        /// distribution's token auth: tokens signed by the key of `certificate`.
        case token(realm: String, service: String, issuer: String, certificate: String)
    }

    public let directory: TemporaryDirectory
    public let port: Int
    let process: Process
    public let tls: Bool

    public static let binary = "/usr/bin/docker-registry"

    /// Whether the registry and the tools around it are installed (deploy/deps.sh).
    public static var available: Bool {
        [binary, "/usr/bin/skopeo", "/usr/bin/openssl", "/usr/bin/htpasswd", "/usr/bin/curl"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The tests' gate: skipped (failed under CI=true) without the registry and its tools.
    public static var needed: ConditionTrait { .requires(available, "needs docker-registry, skopeo, openssl, htpasswd and curl (deploy/deps.sh)") }

    public init(auth: Auth = .none, certificate: (cert: String, key: String)? = nil) throws {
        directory = TemporaryDirectory("podctl-registry")
        port = try TestRegistry.freePort()
        tls = certificate != nil
        var config = """
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: \(directory.path)/storage
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:\(port)

            """
        if let certificate {
            config += "  tls:\n    certificate: \(certificate.cert)\n    key: \(certificate.key)\n"
        }
        switch auth {
        case .none: break
        case let .htpasswd(user, password):
            try Shell.run("htpasswd -Bbn '\(user)' '\(password)' > \(directory.path)/htpasswd")
            config += "auth:\n  htpasswd:\n    realm: podctl-test\n    path: \(directory.path)/htpasswd\n"
        case let .token(realm, service, issuer, certificate):
            config += "auth:\n  token:\n    realm: \(realm)\n    service: \(service)\n    issuer: \(issuer)\n    rootcertbundle: \(certificate)\n"
        }
        try config.write(toFile: directory.file("config.yml"), atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: TestRegistry.binary)
        process.arguments = ["serve", directory.file("config.yml")]
        FileManager.default.createFile(atPath: directory.file("registry.log"), contents: nil)
        let log = FileHandle(forWritingAtPath: directory.file("registry.log"))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try waitUntilListening()
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    public var host: String { "127.0.0.1:\(port)" }
    public var log: String { (try? String(contentsOfFile: directory.file("registry.log"), encoding: .utf8)) ?? "" }

    /// Waits (with a deadline) until the port accepts connections.
    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if TestRegistry.connects(port) { return }
            guard process.isRunning else { throw TestFailure("docker-registry exited: \(log)") }
            usleep(20_000)
        }
        throw TestFailure("docker-registry did not listen on \(host) within 20 s: \(log)")
    }

    /// Pushes an image with skopeo (`docker-archive:…`, `oci:…`) as `REPO:TAG`.
    public func push(_ source: String, as name: String, extra: String = "") throws {
        let verify = tls ? "--dest-cert-dir \(directory.path)/skopeo-certs" : "--dest-tls-verify=false"
        try Shell.run("skopeo copy --quiet --insecure-policy \(verify) \(extra) \(source) docker://\(host)/\(name)")
    }

    /// The registry's access log lines for GETs of `/v2/REPO/blobs/DIGEST` that it served.
    public func blobGets(_ repository: String, _ digest: Digest) -> Int {
        log.split(separator: "\n").filter { $0.contains("\"GET /v2/\(repository)/blobs/\(digest) ") }.count
    }

    /// Where the registry keeps a blob (the filesystem driver's layout).
    public func blobFile(_ digest: Digest) -> String {
        "\(directory.path)/storage/docker/registry/v2/blobs/sha256/\(digest.hex.prefix(2))/\(digest.hex)/data"
    }

    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else { throw TestFailure("no free port") }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func connects(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum Shell {
    @discardableResult
    public static func run(_ command: String, environment: [String: String] = [:], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw TestFailure("`\(command)` failed (\(process.terminationStatus)): \(text)") }
        return text
    }

    /// Runs and returns the exit status and output, failing or not.
    public static func status(_ command: String, environment: [String: String] = [:], input: String? = nil) throws -> (Int32, String) {
        do { return (0, try run(command, environment: environment, input: input)) } catch let failure as TestFailure {
            let code = failure.description.split(separator: "(").dropFirst().first.flatMap { Int32($0.prefix { $0.isNumber || $0 == "-" }) } ?? 1
            return (code, failure.description)
        }
    }
}

