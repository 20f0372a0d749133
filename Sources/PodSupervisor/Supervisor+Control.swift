import CPodShim
import Glibc
import PodExec
import PodJSON
import PodOS
import PodPlan

extension Supervisor {
    var socketPath: String { Files.dirname(of: plan.statusPath) + "/supervisor.sock" }

    /// Listens on the control socket: 0600 before anyone can connect (umask), so only
    /// root talks to the supervisor.
    func openControlSocket() -> Int32 {
        let path = socketPath
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return -1 }
        guard var address = unixSocketAddress(path) else { close(fd); return -1 }
        let old = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(old)
        guard bound == 0, listen(fd, 16) == 0 else {
            log("cannot listen on \(path): \(String(cString: strerror(errno)))")
            close(fd)
            return -1
        }
        return fd
    }

    /// Answers every pending connection: read one request line, act, reply.
    func acceptControlConnections() {
        while true {
            // accept4 is not imported; the supervisor is single-threaded, so no exec can
            // slip in between accept and setting close-on-exec.
            let client = accept(control, nil, nil)
            if client < 0 { return }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if let refusal = ControlPeer.refusal(client) {
                _ = Self.sendReply(client, refusal)
                close(client)
                continue
            }
            let reply: ControlReply
            if let line = Self.readLine(client), let request = try? PodJSON.decode(ControlRequest.self, from: line, source: "the control request") {
                // An attach session keeps its connection (Supervisor+Attach.swift).
                if request.op == .attach {
                    if !attach(client, request) { close(client) }
                    continue
                }
                reply = handle(request)
            } else {
                reply = ControlReply(ok: false, message: "a malformed request: send one JSON ControlRequest line")
            }
            _ = Self.sendReply(client, reply)
            close(client)
            runDuePrestarts()
        }
    }

    func handle(_ request: ControlRequest) -> ControlReply {
        switch request.op {
        case .ping:
            return ControlReply(ok: true, message: "pod \(plan.namespace)/\(plan.name): \(status.phase)")
        case .stop:
            if request.deleting == true { deleting = true }
            beginStop(grace: request.grace ?? Double(plan.terminationGracePeriodSeconds))
            return ControlReply(ok: true, message: "stopping")
        case .reload:
            return reload()
        case .attach:
            return ControlReply(ok: false, message: "attach keeps its connection")
        case .addContainer, .startContainer, .stopContainer, .removeContainer, .reopenLog, .updateResources:
            return handleKubeletRequest(request)
        }
    }

    static func readLine(_ fd: Int32) -> [UInt8]? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count < 64 * 1024 {
            let count = recv(fd, &byte, 1, 0)
            if count <= 0 { return line.isEmpty ? nil : line }
            if byte == UInt8(ascii: "\n") { return line }
            line.append(byte)
        }
        return nil
    }
}
