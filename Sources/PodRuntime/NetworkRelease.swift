import PodCore
import PodNetwork
import PodPlan

/// How delete gives a pod's hostPorts back (D79; docs/network.md, "Deleting a pod"): by
/// key when what was published is known, else by listing the maps for the pod's
/// elements. Listing costs two libnftables contexts that fetch the ruleset and every
/// element of the maps, which grows with the pods on the host; deleting by key costs one
/// transaction and no listing.
enum NetworkRelease: Equatable, Sendable {
    /// Exactly these were published: the supervisor's attach, which publishes all of the
    /// plan's hostPorts or none, succeeded.
    case published([HostPort])
    /// Not known: a run plan that does not read, or a supervisor that never recorded its
    /// attach (it died during it, or the sandbox failed before).
    case unknown

    /// Decided from the run plan (`planReadable` false: it is damaged) and the status the
    /// supervisor last wrote: its pod address is set once the attach, publish included,
    /// succeeded (Supervisor.completeNetworkAttach). A pod on the host's network publishes nothing.
    static func decide(plan: RunPlan?, planReadable: Bool, status: PodStatusRecord?) -> NetworkRelease {
        guard planReadable, let plan, let network = plan.network else { return .unknown }
        if network.hostNetwork { return .published([]) }
        guard status?.podIP != nil else { return .unknown }
        var ports: [HostPort] = []
        for port in network.ports {
            guard let hostPort = try? HostPort(protocolName: port.proto, hostIP: port.hostIP, hostPort: port.hostPort, containerPort: port.containerPort) else {
                return .unknown
            }
            ports.append(hostPort)
        }
        return .published(ports)
    }

    /// The argument of `PodNetwork.detach(pod:published:)`: nil lists the maps.
    var known: [HostPort]? {
        if case let .published(ports) = self { return ports }
        return nil
    }
}
