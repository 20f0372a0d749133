import CPodShim
import Glibc

/// `pod-helper port-forward`: the in-pod side of `podctl port-forward` (docs/network.md).
///
/// podctl is multi-threaded, so it never calls setns (D13); this process, started with the
/// pod's network namespace on descriptor 4 and a SOCK_SEQPACKET socket on descriptor 3,
/// joins the namespace once and then answers one request per message: two bytes, a port
/// (big-endian). It connects to 127.0.0.1:port there (falling back to [::1], as the CRI
/// runtimes dial "localhost") and answers with one message: a status byte (0, or the
/// connect errno) carrying the connected socket as SCM_RIGHTS on success. A socket keeps
/// the namespace it was made in, so podctl then copies bytes on the host side. It ends
/// when podctl closes its end (end-of-file), so it never outlives the forwarder.
enum PortForwardDescriptors {
    static let control: Int32 = 3
    static let network: Int32 = 4
}

func runPortForward() -> Never {
    // No report descriptor in this mode: the reason goes to standard error (podctl's).
    if podshim_setns(PortForwardDescriptors.network, Namespace.net) != 0 {
        let text = "error: pod-helper cannot join the pod's network namespace: setns: \(String(cString: strerror(errno)))\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        exit(1)
    }
    close(PortForwardDescriptors.network)
    var request: (UInt8, UInt8) = (0, 0)
    while true {
        let count = withUnsafeMutableBytes(of: &request) { recv(PortForwardDescriptors.control, $0.baseAddress, 2, 0) }
        if count < 0 && errno == EINTR { continue }
        guard count == 2 else { exit(0) }
        let port = UInt16(request.0) << 8 | UInt16(request.1)
        let (socket, code) = connectLoopback(port)
        answer(status: UInt8(truncatingIfNeeded: code), socket: socket)
        if socket >= 0 { close(socket) }
    }
}

/// Connects to the port on the namespace's loopback: IPv4 first, then IPv6. Returns the
/// socket, or -1 and the IPv4 errno (the one kubectl's message names first).
func connectLoopback(_ port: UInt16) -> (Int32, Int32) {
    var v4 = sockaddr_in()
    v4.sin_family = sa_family_t(AF_INET)
    v4.sin_port = port.bigEndian
    v4.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    let first = dial(AF_INET, &v4, socklen_t(MemoryLayout<sockaddr_in>.size))
    if first.0 >= 0 { return first }
    var v6 = sockaddr_in6()
    v6.sin6_family = sa_family_t(AF_INET6)
    v6.sin6_port = port.bigEndian
    v6.sin6_addr = in6addr_loopback
    let second = dial(AF_INET6, &v6, socklen_t(MemoryLayout<sockaddr_in6>.size))
    return second.0 >= 0 ? second : (-1, first.1)
}

private func dial<Address>(_ family: Int32, _ address: inout Address, _ length: socklen_t) -> (Int32, Int32) {
    let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    if fd < 0 { return (-1, errno) }
    let result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
    if result == 0 { return (fd, 0) }
    let code = errno
    close(fd)
    return (-1, code)
}

/// One message: the status byte, with the socket attached when there is one.
private func answer(status: UInt8, socket: Int32) {
    var byte = status
    let controlSize = MemoryLayout<cmsghdr>.stride + MemoryLayout<Int32>.stride
    var control = [UInt8](repeating: 0, count: controlSize)
    withUnsafeMutablePointer(to: &byte) { bytePointer in
        control.withUnsafeMutableBytes { buffer in
            var io = iovec(iov_base: bytePointer, iov_len: 1)
            withUnsafeMutablePointer(to: &io) { ioPointer in
                var message = msghdr()
                message.msg_iov = ioPointer
                message.msg_iovlen = 1
                if socket >= 0 {
                    let header = buffer.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
                    header.pointee.cmsg_level = SOL_SOCKET
                    header.pointee.cmsg_type = Int32(SCM_RIGHTS)
                    header.pointee.cmsg_len = MemoryLayout<cmsghdr>.stride + MemoryLayout<Int32>.size
                    buffer.storeBytes(of: socket, toByteOffset: MemoryLayout<cmsghdr>.stride, as: Int32.self)
                    message.msg_control = buffer.baseAddress
                    message.msg_controllen = controlSize
                }
                _ = sendmsg(PortForwardDescriptors.control, &message, Int32(MSG_NOSIGNAL))
            }
        }
    }
}
