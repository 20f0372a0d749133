import Foundation
import Glibc
import PodCore
import PodPlan
import PodSupervisor

/// Talks to a pod's supervisor over its control socket (docs/runtime.md).
struct SupervisorClient {
    let path: String

    func send(_ request: ControlRequest, timeout seconds: Int = 10) throws(PodError) -> ControlReply {
        let fd = try connect(timeout: seconds)
        defer { close(fd) }
        var data = (try? JSONEncoder().encode(request)) ?? Data()
        data.append(UInt8(ascii: "\n"))
        _ = data.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            reply += chunk[0..<count]
            if reply.last == UInt8(ascii: "\n") { break }
        }
        guard let decoded = try? JSONDecoder().decode(ControlReply.self, from: Data(reply)) else {
            throw PodError(.system, "the pod's supervisor gave no answer on \(path) (see supervisor.log beside it)")
        }
        return decoded
    }

    /// A connection to the control socket whose reads time out after `seconds`.
    func connect(timeout seconds: Int) throws(PodError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PodError.system("socket", errno: errno, path: path) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard var address = unixSocketAddress(path) else {
            close(fd)
            throw PodError(.invalidArgument, "the control socket path \(path) is too long for a unix socket; use a shorter --run-root")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw PodError.system("connect", errno: code, path: path, "the pod's supervisor does not answer on \(path)")
        }
        return fd
    }
}
