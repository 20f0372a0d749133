import Foundation
import Glibc
import PodCore
import PodRuntime

/// The streaming server (docs/cri.md, "Streaming"; D68): Exec, Attach and PortForward
/// answer with a URL on it, `http://127.0.0.1:PORT/{exec,attach,portforward}/TOKEN`, as
/// the kubelet's and containerd's do. Plain sockets and a thread per connection (a
/// session is a poll loop over the client and the command's descriptors): the sessions
/// are few and long, and every byte's path stays visible.
public final class StreamingServer: @unchecked Sendable {
    /// Sessions at once; one more is answered 503.
    static let maxConnections = 256

    let listener: Int32
    let context: CRIContext
    public let port: UInt16
    private let lock = NSLock()
    private var active = 0

    /// Binds `address:port` (port 0: the kernel picks one) and tells the context's
    /// streaming endpoint where it is.
    public init(context: CRIContext, address: String = "127.0.0.1", port: UInt16 = 0) throws(PodError) {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
            throw PodError(.invalidArgument, "--streaming-address: \"\(address)\" is not an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PodError.system("socket", errno: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw PodError.system("bind", errno: code, path: "\(address):\(port)", "cannot listen for streaming on \(address):\(port)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        self.context = context
        self.port = UInt16(bigEndian: socketAddress.sin_port)
        context.streaming.base = "http://\(address):\(self.port)"
    }

    /// Accepts connections on a thread of its own, for the life of the process.
    public func start() {
        Thread.detachNewThread { [self] in
            while true {
                // accept4 is not imported (it needs _GNU_SOURCE): accept, then
                // close-on-exec before anything is spawned from this connection.
                let fd = accept(listener, nil, nil)
                if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
                if fd < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    usleep(100_000)
                    continue
                }
                let admitted = lock.withLock { () -> Bool in
                    guard active < Self.maxConnections else { return false }
                    active += 1
                    return true
                }
                let connection = StreamConnection(fd: fd)
                guard admitted else {
                    connection.respond(503, "Service Unavailable", "too many streaming sessions at once (\(Self.maxConnections))")
                    continue
                }
                Thread.detachNewThread { [self] in
                    serve(connection)
                    lock.withLock { active -= 1 }
                }
            }
        }
    }

    /// One connection: its token, the upgrade, then the session.
    func serve(_ connection: StreamConnection) {
        guard let head = connection.readHead() else { return }
        let parts = head.path.split(separator: "?", maxSplits: 1)[0].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, let request = context.streaming.tokens.consume(String(parts[2])), request.kind == parts[1] else {
            connection.respond(404, "Not Found", "unknown or expired streaming URL \(head.path.prefix(200)): ask for a new one (each is good once, for a minute)")
            return
        }
        switch request {
        case let .exec(containerID, command, stdin, stdout, stderr, tty):
            serveRemoteCommand(connection, head, tty: tty, stdin: stdin, stdout: stdout, stderr: stderr) { () throws(PodError) in
                try ExecBackend(record: try record(containerID), store: context.store, command: command, stdin: stdin, stdout: stdout, stderr: stderr, tty: tty)
            }
        case let .attach(containerID, stdin, stdout, stderr, tty):
            serveRemoteCommand(connection, head, tty: tty, stdin: stdin, stdout: stdout, stderr: stderr) { () throws(PodError) in
                try AttachBackend(record: try record(containerID), store: context.store, stdin: stdin)
            }
        case let .portForward(sandboxID):
            servePortForward(connection, head, sandboxID: sandboxID)
        }
    }

    func record(_ containerID: String) throws(PodError) -> ContainerRecord {
        guard let record = context.containers.find(containerID) else { throw PodError(.notFound, "container \(containerID) is gone") }
        return record
    }

    /// Upgrades, waits for the streams the request needs (30 s, the kubelet's
    /// streamCreationTimeout), starts the backend and pumps.
    func serveRemoteCommand(_ connection: StreamConnection, _ head: StreamConnection.Head, tty: Bool, stdin: Bool, stdout: Bool, stderr: Bool,
                            start: () throws(PodError) -> RemoteCommandBackend) {
        guard let upgrade = StreamingUpgrade.negotiate(head, spdy: StreamingUpgrade.remoteCommandSPDY, webSocket: StreamingUpgrade.remoteCommandWebSocket, on: connection) else { return }
        let transport: RemoteCommandTransport
        switch upgrade {
        case let .spdy(version):
            var expected: Set<String> = ["error"]
            if stdin { expected.insert("stdin") }
            if stdout { expected.insert("stdout") }
            if stderr && !tty { expected.insert("stderr") }
            if tty && version != StreamingUpgrade.remoteCommandSPDY.last { expected.insert("resize") }
            transport = SPDYRemoteCommand(expected: expected, jsonStatus: version.hasPrefix("v4.") || version.hasPrefix("v5."))
        case .webSocket:
            transport = WebSocketRemoteCommand()
        }
        guard let early = Self.waitUntilReady(connection, transport, early: connection.early) else { return }
        let backend: RemoteCommandBackend
        do { backend = try start() } catch {
            connection.write(transport.finish(.failed(error.message)))
            connection.finish()
            return
        }
        var pump = RemoteCommandPump(connection: connection, transport: transport, backend: backend)
        pump.run(early: early)
    }

    static let streamCreationTimeout = 30.0

    /// What the client sent meanwhile; nil when it hung up, broke the framing or took
    /// too long.
    static func waitUntilReady(_ connection: StreamConnection, _ transport: RemoteCommandTransport, early: [UInt8]) -> [RemoteCommandEvent]? {
        do {
            var (events, reply) = try transport.absorb(early)
            if !reply.isEmpty { connection.write(reply) }
            let deadline = Date().addingTimeInterval(streamCreationTimeout)
            while !transport.ready {
                var entry = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
                let wait = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
                guard wait > 0, poll(&entry, 1, wait) > 0, let bytes = connection.readSome() else { return nil }
                let (more, reply) = try transport.absorb(bytes)
                events += more
                if !reply.isEmpty { connection.write(reply) }
            }
            return events
        } catch {
            return nil
        }
    }
    /// PortForward: SPDY only (crictl and the kubelet's proxy speak it; the WebSocket
    /// form of portforward is not served).
    func servePortForward(_ connection: StreamConnection, _ head: StreamConnection.Head, sandboxID: String) {
        let connector: PodConnector
        do throws(PodError) {
            guard let record = context.sandboxes.find(sandboxID), let view = try PodManager(store: context.store).view(try record.key()) else {
                throw PodError(.notFound, "pod sandbox \(sandboxID) is gone")
            }
            connector = try PodConnector(view: view)
        } catch {
            connection.respond(error.code == .notFound ? 404 : 500, error.code == .notFound ? "Not Found" : "Internal Server Error", error.message)
            return
        }
        guard StreamingUpgrade.negotiate(head, spdy: StreamingUpgrade.portForwardSPDY, webSocket: [], on: connection) != nil else {
            connector.stop()
            return
        }
        PortForwardSession(connection: connection, connector: connector).run()
    }
}

/// Where the streaming server listens, and the tokens of the URLs it serves; the RPCs
/// hand out URLs through it. Without a server (base nil) they answer Unavailable.
public final class StreamingEndpoint: @unchecked Sendable {
    let tokens = StreamingTokens()
    private let lock = NSLock()
    private var stored: String?

    /// `http://ADDRESS:PORT`.
    var base: String? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    func url(for request: StreamingRequest) throws(PodError) -> String {
        guard let base else { throw PodError(.notReady, "the streaming server is not running") }
        return "\(base)/\(request.kind)/\(try tokens.insert(request))"
    }
}
