import Glibc
import PodCore

/// A listening TCP socket of the host side of a port-forward.
struct ForwardListener {
    let descriptor: Int32
    let address: ForwardAddress
    let spec: PortForwardSpec

    /// Binds `address:spec.local` (0: the kernel picks) and listens; the spec it returns
    /// holds the port actually bound, which the other addresses of a `:REMOTE` then share.
    static func open(_ address: ForwardAddress, _ spec: PortForwardSpec) throws(PodError) -> ForwardListener {
        let family = address.isV6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw PodError.system("socket", errno: errno) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        if address.isV6 { setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<Int32>.size)) }
        var storage = sockaddr_storage()
        let length = address.fill(&storage, port: spec.local)
        let bound = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, SOMAXCONN) == 0 else {
            let code = errno
            close(fd)
            throw PodError.system("bind", errno: code, path: nil, "listen tcp \(address.display(spec.local)): bind: \(String(cString: strerror(code)).lowercased())")
        }
        var chosen = spec
        if spec.local == 0 { chosen.local = boundPort(fd) }
        return ForwardListener(descriptor: fd, address: address, spec: chosen)
    }

    private static func boundPort(_ fd: Int32) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return withUnsafeBytes(of: &storage) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
    }
}

extension ForwardAddress {
    var isV6: Bool { if case .v6 = self { return true } else { return false } }

    /// The socket address; both families keep the port at offset 2.
    func fill(_ storage: inout sockaddr_storage, port: UInt16) -> socklen_t {
        switch self {
        case let .v4(text):
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, text, &address.sin_addr)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in.self) }
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        case let .v6(text):
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, text, &address.sin6_addr)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: address, as: sockaddr_in6.self) }
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
    }
}
