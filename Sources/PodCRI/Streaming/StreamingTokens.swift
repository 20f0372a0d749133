import Foundation
import PodCore

/// What an Exec, Attach or PortForward RPC asked for, kept until the client connects to
/// the URL it was given.
enum StreamingRequest: Equatable, Sendable {
    case exec(containerID: String, command: [String], stdin: Bool, stdout: Bool, stderr: Bool, tty: Bool)
    case attach(containerID: String, stdin: Bool, stdout: Bool, stderr: Bool, tty: Bool)
    case portForward(sandboxID: String)

    /// The URL path's first part: `/exec/TOKEN`, `/attach/TOKEN`, `/portforward/TOKEN`.
    var kind: String {
        switch self {
        case .exec: "exec"
        case .attach: "attach"
        case .portForward: "portforward"
        }
    }
}

/// The one-time tokens of the streaming URLs, as the kubelet's streaming server keeps them
/// (pkg/kubelet/cri/streaming/request_cache.go): 8 random bytes in URL-safe base64, each
/// good for one connection and for a minute; at most 1000 waiting at once ("maximum
/// number of in-flight requests exceeded").
final class StreamingTokens: @unchecked Sendable {
    static let lifetime: Double = 60
    static let maxInFlight = 1000

    private let lock = NSLock()
    private var waiting: [String: (request: StreamingRequest, expires: Double)] = [:]
    private let now: @Sendable () -> Double

    init(now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.now = now
    }

    /// A new token for `request`.
    func insert(_ request: StreamingRequest) throws(PodError) -> String {
        var random = SystemRandomNumberGenerator()
        let token = Data((0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let time = now()
        lock.lock()
        defer { lock.unlock() }
        waiting = waiting.filter { $0.value.expires > time }
        guard waiting.count < Self.maxInFlight else {
            throw PodError(.conflict, "maximum number of in-flight streaming requests exceeded (\(Self.maxInFlight)); each URL expires \(Int(Self.lifetime)) s after it was given")
        }
        waiting[token] = (request, time + Self.lifetime)
        return token
    }

    /// The request of `token`, removed: a token works once. Nil for one never given,
    /// used already or expired.
    func consume(_ token: String) -> StreamingRequest? {
        let time = now()
        return lock.withLock {
            guard let entry = waiting.removeValue(forKey: token), entry.expires > time else { return nil }
            return entry.request
        }
    }
}
