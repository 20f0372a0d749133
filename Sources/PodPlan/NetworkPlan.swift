/// The pod's network as `podctl apply` decided it: the host's namespace (hostNetwork), or
/// a veth on the bridge with the address leased at apply (so /etc/hosts can name it)
/// and the hostPorts to publish.
public struct NetworkPlan: Codable, Equatable, Sendable {
    public var hostNetwork: Bool
    /// The persistent root (the IPAM leases and the network lock live under it).
    public var root: String
    public var bridge: String
    public var subnet: String
    public var podIP: String?
    public var ports: [PortPlan]
    /// A non-root user's pod: the holder of the user's network (D65), in whose user and
    /// network namespaces pod-network runs (through `pod-helper in-user-network`).
    public var userNetworkPID: Int32?

    public init(hostNetwork: Bool, root: String, bridge: String, subnet: String, podIP: String?, ports: [PortPlan]) {
        self.hostNetwork = hostNetwork
        self.root = root
        self.bridge = bridge
        self.subnet = subnet
        self.podIP = podIP
        self.ports = ports
    }
}

/// One `hostPort` of a container port.
public struct PortPlan: Codable, Equatable, Sendable {
    public var proto: String
    public var hostIP: String?
    public var hostPort: Int
    public var containerPort: Int

    // Public: the planner (PodRuntime) fills what the supervisor (PodSupervisor) reads.
    public init(proto: String, hostIP: String? = nil, hostPort: Int, containerPort: Int) {
        self.proto = proto
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerPort = containerPort
    }
}
