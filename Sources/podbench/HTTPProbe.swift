import Glibc

/// Asks 127.0.0.1:port for / with HTTP/1.0 and says whether a 200 came back.
enum HTTPProbe {
    static func answers(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // A SYN dropped while the NAT rules are not in place yet must not hold the poll
        // for the kernel's connect timeout: SO_SNDTIMEO bounds connect (socket(7)).
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        let request = Array("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return false }
        var reply = [UInt8](repeating: 0, count: 512)
        var got = 0
        while got < 12 {
            let n = read(fd, &reply[got], reply.count - got)
            if n <= 0 { break }
            got += n
        }
        let head = String(decoding: reply[0..<got], as: UTF8.self)
        return head.hasPrefix("HTTP/1.") && head.dropFirst(9).hasPrefix("200")
    }
}
