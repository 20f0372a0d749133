import Glibc
import PodCore
import PodOS

/// A UDP socket and its addresses, in the calling process's network namespace.
struct UDPSocket {
    let fd: Int32

    /// Unbound (the kernel picks a port): the socket queries go upstream on.
    static func ephemeral() throws(PodError) -> UDPSocket {
        UDPSocket(fd: try syscall("socket") { socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0) })
    }

    /// Bound to `address:port` and to the bridge (SO_BINDTODEVICE), so only packets that
    /// came in over the bridge reach it: the responder is never reachable from another
    /// interface, even though Linux would deliver the gateway's address from any
    /// (the weak host model). IP_FREEBIND lets it bind before the address is up.
    static func listening(address: [UInt8], port: UInt16, device: String) throws(PodError) -> UDPSocket {
        let socket = try ephemeral()
        var on: Int32 = 1
        try syscall("setsockopt(IP_FREEBIND)") { setsockopt(socket.fd, Int32(IPPROTO_IP), IP_FREEBIND, &on, socklen_t(MemoryLayout<Int32>.size)) }
        if !device.isEmpty {
            let bytes = Array(device.utf8) + [0]
            try syscall("setsockopt(SO_BINDTODEVICE)", path: device) { setsockopt(socket.fd, SOL_SOCKET, SO_BINDTODEVICE, bytes, socklen_t(bytes.count)) }
        }
        var target = Self.address(address, port: port)
        try syscall("bind") { withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } }
        return socket
    }

    static func address(_ bytes: [UInt8], port: UInt16) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = port.bigEndian
        result.sin_addr.s_addr = (UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        return result
    }

    /// One datagram, or nil when none is waiting (the socket does not block).
    func receive(into buffer: inout [UInt8]) -> (Int, sockaddr_in)? {
        var from = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length) } }
        }
        return count >= 0 ? (count, from) : nil
    }

    /// Best effort, as UDP is: a lost answer makes the client ask again.
    func send(_ bytes: [UInt8], to address: sockaddr_in) {
        var target = address
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
    }
}
