import Glibc
import PodCore
import PodOS

/// Whether a host process holds a port, by trying to bind it (in the network namespace
/// of the calling thread), and who, from `/proc`.
enum PortCheck {
    enum Outcome: Equatable {
        case free
        /// A process holds it; the text names it ("process 123 (nginx)") when /proc tells.
        case held(String)
    }

    /// Tries `bind` on the published address: every address (0.0.0.0) when the port has no
    /// hostIP. TCP sets SO_REUSEADDR, so only a listener (not a closing connection in
    /// TIME_WAIT) counts as a holder.
    static func probe(_ port: HostPort) throws(PodError) -> Outcome {
        let type = port.proto == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        let fd = try syscall("socket") { socket(AF_INET, type | Int32(SOCK_CLOEXEC.rawValue), 0) }
        defer { close(fd) }
        if port.proto == .tcp {
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.hostPort.bigEndian
        address.sin_addr.s_addr = (port.hostIP?.value ?? 0).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return .free }
        let code = errno
        switch code {
        case EADDRINUSE:
            return .held(holder(of: port) ?? "a process of this host")
        case EADDRNOTAVAIL:
            throw PodError(.invalidArgument, "hostIP \(port.hostIP.map(\.description) ?? "0.0.0.0") of hostPort \(port): it is not an address of this host")
        default:
            throw PodError.system("bind", errno: code, path: port.description, "cannot check whether hostPort \(port) is free")
        }
    }

    /// The process that has a socket bound to the port, found through
    /// `/proc/thread-self/net/{tcp,tcp6,udp,udp6}` (this thread's namespace) and the
    /// descriptors of every process. Nil if it cannot be told.
    static func holder(of port: HostPort) -> String? {
        let tables = port.proto == .tcp ? ["tcp", "tcp6"] : ["udp", "udp6"]
        var inodes: Set<String> = []
        for table in tables {
            guard let text = try? Files.readText("/proc/thread-self/net/\(table)") else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, let colon = fields[1].lastIndex(of: ":"),
                      UInt16(fields[1][fields[1].index(after: colon)...], radix: 16) == port.hostPort
                else { continue }
                // TCP: listeners only (state 0A); UDP: every bound socket.
                if port.proto == .tcp && fields[3] != "0A" { continue }
                if fields[9] != "0" { inodes.insert(String(fields[9])) }
            }
        }
        if inodes.isEmpty { return nil }
        let targets = Set(inodes.map { "socket:[\($0)]" })
        for name in (try? Files.list("/proc")) ?? [] where name.allSatisfy(\.isNumber) {
            for fd in (try? Files.list("/proc/\(name)/fd")) ?? [] {
                var buffer = [CChar](repeating: 0, count: 64)
                let count = readlink("/proc/\(name)/fd/\(fd)", &buffer, buffer.count - 1)
                guard count > 0 else { continue }
                let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if targets.contains(target) {
                    let command = (try? Files.readText("/proc/\(name)/comm"))?.split(separator: "\n").first.map(String.init) ?? "?"
                    return "process \(name) (\(command))"
                }
            }
        }
        return nil
    }
}
