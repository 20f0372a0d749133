// pod-network: wires one pod's network on the host and exits (docs/runtime.md, "The
// network of a pod"; docs/architecture.md, D56). Started by the pod's supervisor with one
// NetworkRequest (JSON) on standard input; answers one NetworkReply on standard output.
// It holds what the supervisor must not keep resident: libnftables and the IPAM's
// records. It links no Foundation (D87).
import CPodShim
import Glibc
import PodCore
import PodJSON
import PodNetlink
import PodNetwork
import PodPlan

/// The request is a few hundred bytes; a megabyte bounds a hostile or broken writer.
let maxRequest = 1 << 20

func readRequest() throws(PodError) -> NetworkRequest? {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count <= maxRequest {
        let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count < 0 { throw PodError.system("read", errno: errno, path: "standard input") }
        if count == 0 { break }
        bytes += chunk[0..<count]
    }
    if bytes.isEmpty { return nil }
    return try PodJSON.decode(NetworkRequest.self, from: bytes, source: "the network request on standard input",
                              limits: JSONLimits(maxBytes: maxRequest))
}

func config(_ plan: NetworkPlan) throws(PodError) -> NetworkConfig {
    try NetworkConfig.resolve(root: plan.root, environment: ["PODCTL_BRIDGE": plan.bridge, "PODCTL_SUBNET": plan.subnet])
}

/// The plan's hostPorts as nftables map elements, for publishing and for deleting by key.
func hostPorts(_ plan: NetworkPlan) throws(PodError) -> [HostPort] {
    try plan.ports.map { port throws(PodError) in
        try HostPort(protocolName: port.proto, hostIP: port.hostIP, hostPort: port.hostPort, containerPort: port.containerPort)
    }
}

func attach(_ request: NetworkRequest) -> NetworkReply {
    do {
        let pods = PodNetwork(config: try config(request.network))
        let key = try PodKey(namespace: request.namespace, name: request.name)
        let attachment = try pods.attach(pod: key, pausePID: request.pausePID)
        let ports = try hostPorts(request.network)
        do { try pods.publish(ports, for: key) } catch where error.code == .alreadyExists {
            // Another pod took a hostPort between apply's check and this publish: the
            // conflict apply reports when it sees it first, in the same words.
            return NetworkReply(failureReason: NetworkReply.hostPortConflict, message: error.description)
        }
        if request.configuresInterface == true { try configureInterface(attachment.interface, pausePID: request.pausePID) }
        return NetworkReply(failureReason: nil, message: "attached", podIP: attachment.podIP.description,
                            hostInterface: attachment.hostInterface, interface: attachment.interface.encoded,
                            interfaceConfigured: request.configuresInterface == true)
    } catch {
        return NetworkReply(failureReason: "NetworkSetupError", message: "cannot set up the pod's network: \(error)")
    }
}

/// `eth0`'s address, route and `lo`, as pod-helper's network mode configures them, from
/// inside the pause's network namespace. setns(CLONE_NEWNET) moves only this thread, the
/// one that then opens the netlink socket (a socket stays in the namespace it was made
/// in); this is the last step, so nothing after it needs the host's namespace. The pause
/// is the supervisor's child and not reaped while it waits for us: its PID is its own.
func configureInterface(_ config: PodInterfaceConfig, pausePID: Int32) throws(PodError) {
    let path = "/proc/\(pausePID)/ns/net"
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw PodError.system("open", errno: errno, path: path, "cannot open the network namespace of the pod's pause \(pausePID)") }
    defer { close(fd) }
    // CLONE_NEWNET (sched.h), which Swift does not import.
    guard podshim_setns(fd, 0x4000_0000) == 0 else {
        throw PodError.system("setns", errno: errno, path: path, "cannot join the network namespace of the pod's pause \(pausePID)")
    }
    try PodInterface.configure(config)
}

func detach(_ request: NetworkRequest) -> NetworkReply {
    do {
        let key = try PodKey(namespace: request.namespace, name: request.name)
        // Ports known to be published are deleted by key; otherwise the table is listed.
        let published = request.portsPublished == true ? try hostPorts(request.network) : nil
        try PodNetwork(config: try config(request.network)).detach(pod: key, published: published)
        return NetworkReply(failureReason: nil, message: "detached")
    } catch {
        return NetworkReply(failureReason: "NetworkTeardownError", message: "cannot release the pod's network: \(error)")
    }
}

func answer(_ reply: NetworkReply) -> Int32 {
    var bytes = (try? PodJSON.encode(reply)) ?? Array(#"{"failureReason":"NetworkSetupError","message":"pod-network cannot encode its reply"}"#.utf8)
    bytes.append(UInt8(ascii: "\n"))
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return 2 }
        offset += written
    }
    return reply.failureReason == nil ? 0 : 1
}

do {
    // No request at all: the supervisor started this process ahead of the sandbox, which
    // then failed; nothing was asked, nothing is done.
    guard let request = try readRequest() else { exit(0) }
    exit(answer(request.op == .attach ? attach(request) : detach(request)))
} catch {
    exit(answer(NetworkReply(failureReason: "NetworkSetupError", message: "pod-network: \(error)")))
}
