import CPodShim
import Glibc
import PodCore
import PodSupervisor

/// The in-pod connector (`pod-helper port-forward`, Sources/pod-helper/PortForward.swift):
/// podctl is multi-threaded and never enters a namespace itself (D13), so one helper joins
/// the pod's network namespace and connects there on request, passing each connected
/// socket back over a SOCK_SEQPACKET pair with SCM_RIGHTS.
final class PortForwardHelper {
    let pid: pid_t
    private let control: Int32

    /// `network` is the pod's network namespace, opened by the caller from the pause's
    /// pidfd-checked /proc entry; the helper gets it as descriptor 4.
    init(helperPath: String, network: Int32) throws(PodError) {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw PodError.system("socketpair", errno: errno)
        }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null); close(pair[1]) }
        do {
            pid = try spawnProcess(helperPath, arguments: ["port-forward"], descriptors: [(null, 0), (null, 1), (2, 2), (pair[1], 3), (network, 4)])
        } catch {
            close(pair[0])
            throw PodError(error.code, "cannot run the namespace helper \(helperPath)", cause: .error(error))
        }
        control = pair[0]
    }

    /// What a request got: a socket connected inside the pod, or the errno of connect.
    enum Outcome: Equatable {
        case connected(Int32)
        case refused(errno: Int32)
    }

    /// Asks for a connection to `port` inside the pod; throws when the helper is gone.
    func connect(_ port: UInt16) throws(PodError) -> Outcome {
        var request: (UInt8, UInt8) = (UInt8(port >> 8), UInt8(port & 0xff))
        let sent = withUnsafeBytes(of: &request) { send(control, $0.baseAddress, 2, Int32(MSG_NOSIGNAL)) }
        guard sent == 2 else { throw PodError.system("send", errno: errno, path: nil, "the port-forward helper (pid \(pid)) is gone") }
        let (status, socket) = receive()
        if let socket { return .connected(socket) }
        guard let status, status != 0 else { throw PodError(.system, "the port-forward helper (pid \(pid)) ended") }
        return .refused(errno: Int32(status))
    }

    /// One message: its status byte (nil at end-of-file) and the descriptor it carries.
    private func receive() -> (UInt8?, Int32?) {
        var byte: UInt8 = 0
        let controlSize = MemoryLayout<cmsghdr>.stride + 16
        var buffer = [UInt8](repeating: 0, count: controlSize)
        var descriptor: Int32?
        let count = withUnsafeMutablePointer(to: &byte) { bytePointer in
            buffer.withUnsafeMutableBytes { raw -> Int in
                var io = iovec(iov_base: bytePointer, iov_len: 1)
                return withUnsafeMutablePointer(to: &io) { ioPointer -> Int in
                    var message = msghdr()
                    message.msg_iov = ioPointer
                    message.msg_iovlen = 1
                    message.msg_control = raw.baseAddress
                    message.msg_controllen = controlSize
                    var result: Int
                    repeat { result = recvmsg(control, &message, Int32(MSG_CMSG_CLOEXEC)) } while result < 0 && errno == EINTR
                    let header = raw.load(as: cmsghdr.self)
                    if result > 0, message.msg_controllen >= MemoryLayout<cmsghdr>.stride + 4,
                       header.cmsg_level == SOL_SOCKET, header.cmsg_type == Int32(SCM_RIGHTS) {
                        descriptor = raw.load(fromByteOffset: MemoryLayout<cmsghdr>.stride, as: Int32.self)
                    }
                    return result
                }
            }
        }
        return (count > 0 ? byte : nil, descriptor)
    }

    /// Closing our end is the helper's end-of-file: it exits, and is reaped here.
    func stop() {
        close(control)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
