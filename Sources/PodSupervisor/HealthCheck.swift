import Glibc
import PodPlan

/// What a probe or a hook is for, and so what its result does.
enum CheckPurpose: Equatable {
    case probe(ProbeKind)
    case postStart
    case preStop
}

enum CheckResult: Equatable {
    case success(String)
    case failure(String)
    case successWithWarning(String)

    var succeeded: Bool {
        if case .failure = self { return false }
        return true
    }
}

/// One probe or hook in flight, driven by the supervisor's poll loop: a process (an exec
/// through pod-helper), a socket exchange (tcpSocket, httpGet, grpc) or a wait (sleep).
struct HealthCheck {
    let id: Int
    let container: Int
    let purpose: CheckPurpose
    let deadline: Double
    var work: Work
    /// What an exec printed (standard output and error together), at most 10 KiB.
    var output: [UInt8] = []

    enum Work {
        case process(helper: pid_t, command: pid_t?, output: Int32?)
        case socket(SocketExchange)
        case wait
    }

    /// The descriptor to poll and for what; nil when only the clock or SIGCHLD moves it.
    var pollRequest: (fd: Int32, events: Int16)? {
        switch work {
        case let .process(_, _, output?): return (output, Int16(POLLIN))
        case let .socket(exchange): return (exchange.fd, exchange.events)
        default: return nil
        }
    }

    /// Stops whatever runs for it: the exec'd command (the helper then exits) or the socket.
    func cancel() {
        switch work {
        case let .process(helper, command, output):
            if let command { kill(command, SIGKILL) }
            kill(helper, SIGKILL)
            if let output { close(output) }
        case let .socket(exchange): close(exchange.fd)
        case .wait: break
        }
    }

    /// Reads what the exec'd command wrote; false at end of file.
    mutating func readOutput() -> Bool {
        guard case let .process(helper, command, fd?) = work else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                if output.count < HTTPProbe.bodyLimit { output += buffer[0..<min(count, HTTPProbe.bodyLimit - output.count)] }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == EAGAIN { return true }
            close(fd)
            work = .process(helper: helper, command: command, output: nil)
            return false
        }
    }

    var outputText: String {
        var text = String(decoding: output, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

/// A TCP connection made without blocking: connect, then for HTTP write the request and
/// read the response until the server closes or the header and 10 KiB of body are in.
struct SocketExchange {
    enum Phase { case connecting, sending, receiving }
    enum Kind { case tcp, http(HTTPTarget), grpc(GRPCHealth) }

    struct HTTPTarget {
        var host: String
        var port: Int
        var path: String
        var headers: [[String]]
        var redirects = 0
    }

    let fd: Int32
    let address: String
    let port: Int
    var phase = Phase.connecting
    var kind: Kind
    var outgoing: [UInt8] = []
    var sent = 0
    var incoming: [UInt8] = []

    var events: Int16 { phase == .receiving ? Int16(POLLIN) : Int16(POLLOUT) }
    var endpoint: String { "\(address):\(port)" }

    /// Opens the socket and starts connecting; the text is the failure, as Go's dialer words it.
    static func open(address: String, port: Int, kind: Kind) -> Result<SocketExchange, ProbeFailure> {
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
        guard inet_pton(AF_INET, address, &target.sin_addr) == 1 else {
            return .failure(ProbeFailure("dial tcp: lookup \(address): podctl probes take IPv4 addresses only"))
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(ProbeFailure("socket: \(String(cString: strerror(errno)))")) }
        let result = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS {
            let code = errno
            close(fd)
            return .failure(ProbeFailure("dial tcp \(address):\(port): connect: \(String(cString: strerror(code)).lowercased())"))
        }
        return .success(SocketExchange(fd: fd, address: address, port: port, kind: kind))
    }

    enum Step {
        case more
        case done(CheckResult)
        /// A same-host redirect: a new exchange for this path.
        case follow(String)
    }

    mutating func advance() -> Step {
        switch phase {
        case .connecting:
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 { return .done(.failure("dial tcp \(endpoint): connect: \(String(cString: strerror(error)).lowercased())")) }
            switch kind {
            case .tcp: return .done(.success(""))
            case let .http(target): outgoing = HTTPProbe.request(host: target.host, port: target.port, path: target.path, headers: target.headers)
            case let .grpc(health): outgoing = health.request()
            }
            phase = .sending
            return .more
        case .sending:
            let count = outgoing.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 { return errno == EAGAIN || errno == EINTR ? .more : .done(.failure(failureText("write: \(String(cString: strerror(errno)).lowercased())"))) }
            sent += count
            if sent == outgoing.count { phase = .receiving }
            return .more
        case .receiving:
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 { return errno == EAGAIN || errno == EINTR ? .more : .done(.failure(failureText("read: \(String(cString: strerror(errno)).lowercased())"))) }
            if count > 0 { incoming += buffer[0..<count] }
            return interpret(ended: count == 0)
        }
    }

    private func interpret(ended: Bool) -> Step {
        switch kind {
        case .tcp:
            return .done(.success(""))
        case let .http(target):
            guard let response = HTTPProbe.parse(incoming) else {
                return ended ? .done(.failure(failureText("EOF"))) : .more
            }
            if !ended && response.body.count < HTTPProbe.bodyLimit && response.header("Content-Length").map({ Int($0) ?? 0 > response.body.count }) ?? true { return .more }
            switch HTTPProbe.verdict(response, host: target.host, port: target.port) {
            case let .success(body): return .done(.success(body))
            case let .failure(text): return .done(.failure(text))
            case let .successWithWarning(text): return .done(.successWithWarning(text))
            case let .follow(path):
                return target.redirects >= 10 ? .done(.failure(failureText("stopped after 10 redirects"))) : .follow(path)
            }
        case let .grpc(health):
            switch health.interpret(incoming, ended: ended) {
            case nil: return .more
            case let result?: return .done(result)
            }
        }
    }

    /// The failure of an HTTP probe as Go's client says it: `Get "http://…": …`.
    func failureText(_ cause: String) -> String {
        guard case let .http(target) = kind else { return cause }
        return "Get \"http://\(endpoint)\(target.path)\": \(cause)"
    }

    var timeoutText: String {
        switch kind {
        case .tcp: return "dial tcp \(endpoint): i/o timeout"
        case .http: return failureText("context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
        case .grpc: return "timeout: health rpc did not complete within the probe's timeout"
        }
    }
}

struct ProbeFailure: Error {
    let text: String
    init(_ text: String) { self.text = text }
}
