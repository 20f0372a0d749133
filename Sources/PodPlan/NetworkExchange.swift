/// What the supervisor asks of `pod-network`, the short-lived process that wires a pod's
/// network on the host (docs/runtime.md, "The network of a pod"; docs/architecture.md,
/// D56): one JSON request on its standard input, one JSON reply on its standard output.
/// libnftables, the IPAM and Foundation are linked there, once per pod start, instead of
/// resident in every supervisor.
public struct NetworkRequest: Codable, Equatable, Sendable {
    public enum Operation: String, Codable, Sendable {
        /// Lease (or take back) the address, make the veth into the pause's network
        /// namespace, publish the hostPorts.
        case attach
        /// Give back the address, the hostPorts and the host veth (a pod that ended on its own).
        case detach
    }

    public var op: Operation
    public var namespace: String
    public var name: String
    /// attach: the pause process, whose network namespace gets the pod's end of the veth.
    public var pausePID: Int32
    public var network: NetworkPlan
    /// detach: the attach succeeded, so the plan's hostPorts are what was published and
    /// their map elements are deleted by key, without listing the ruleset (#15 item 7).
    public var portsPublished: Bool?
    /// attach: pod-network also configures `eth0` (address, up, default route) from inside
    /// the pause's network namespace, instead of the supervisor running pod-helper for it:
    /// one process start less per pod. Not for a non-root user's pod, whose namespace
    /// belongs to the user network's user namespace (pod-helper joins that first).
    public var configuresInterface: Bool?

    public init(op: Operation, namespace: String, name: String, pausePID: Int32, network: NetworkPlan, portsPublished: Bool? = nil, configuresInterface: Bool? = nil) {
        self.configuresInterface = configuresInterface
        self.op = op
        self.namespace = namespace
        self.name = name
        self.pausePID = pausePID
        self.network = network
        self.portsPublished = portsPublished
    }
}

public struct NetworkReply: Codable, Equatable, Sendable {
    /// The status reason of a pod whose hostPort another pod took between apply's check and
    /// the publish; apply maps it back to the exit code of the conflict it reports itself.
    public static let hostPortConflict = "HostPortConflict"

    /// nil: done. Otherwise the status reason (`HostPortConflict`, `NetworkSetupError`).
    public var failureReason: String?
    public var message: String
    /// attach: the pod's address, the host end of its veth, and `eth0`'s configuration in
    /// pod-helper's encoding (`PodInterfaceConfig.encoded`), which the supervisor hands on.
    public var podIP: String?
    public var hostInterface: String?
    public var interface: String?
    /// attach: `eth0` is configured already (the request's `configuresInterface`); nil or
    /// false: the supervisor has pod-helper do it.
    public var interfaceConfigured: Bool?

    public init(failureReason: String?, message: String, podIP: String? = nil, hostInterface: String? = nil, interface: String? = nil, interfaceConfigured: Bool? = nil) {
        self.interfaceConfigured = interfaceConfigured
        self.failureReason = failureReason
        self.message = message
        self.podIP = podIP
        self.hostInterface = hostInterface
        self.interface = interface
    }
}
