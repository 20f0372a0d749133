import Foundation
import PodCore
import PodModel
import PodNetwork
import PodOS
import PodPlan
import PodStore

extension PodManager {
    var networkConfig: NetworkConfig {
        get throws(PodError) { try NetworkConfig.resolve(root: store.roots.root, environment: ProcessInfo.processInfo.environment) }
    }

    /// Decides the pod's network at apply: hostNetwork, or a lease on the bridge's subnet
    /// (taken now so /etc/hosts can name the pod's address) and its hostPorts, checked now
    /// so a taken port fails the apply before anything starts.
    /// `sandboxPorts`: a CRI sandbox's port mappings, which the CRI gives the sandbox
    /// rather than a container (PodSandboxConfig.port_mappings).
    func networkPlan(for pod: Pod, key: PodKey, sandboxPorts: [PortPlan] = []) throws(PodError) -> NetworkPlan {
        let spec = pod.spec ?? PodSpec()
        let containers = (spec.containers ?? []) + (spec.initContainers ?? []).filter(\.isSidecar)
        var ports = sandboxPorts
        for port in containers.flatMap({ $0.ports ?? [] }) {
            guard let hostPort = port.hostPort, hostPort != 0 else { continue }
            ports.append(PortPlan(proto: port.protocol ?? "TCP", hostIP: port.hostIP, hostPort: Int(hostPort), containerPort: Int(port.containerPort ?? 0)))
        }
        if spec.hostNetwork == true {
            return NetworkPlan(hostNetwork: true, root: store.roots.root, bridge: "", subnet: "", podIP: nil, ports: ports)
        }
        let config = try networkConfig
        let network = PodNetwork(config: config)
        // A non-root user's nftables are in the user network (D65), where pod-network
        // runs; its hostPorts are checked by the forwarder that binds them (D69).
        if geteuid() == 0 { try network.checkPorts(try ports.map { port throws(PodError) in
            try HostPort(protocolName: port.proto, hostIP: port.hostIP, hostPort: port.hostPort, containerPort: port.containerPort)
        }, for: key) }
        let address = try network.ipam.allocate(for: key)
        return NetworkPlan(hostNetwork: false, root: store.roots.root, bridge: config.bridge, subnet: config.subnet.description, podIP: address.description, ports: ports)
    }

    /// Takes the leases of every pod of one apply up front (allocation is idempotent per
    /// pod), so each pod's /etc/hosts can name the others. Returns name → address for the
    /// pods of the same namespace as each other; pods on the host's network have none.
    /// A non-root user's apply reserves nothing: its pods have loopback only (RootlessPod),
    /// and the bridge's leases and nftables are root's.
    public func reserveAddresses(for pods: [Pod]) -> [String: [String: String]] {
        guard geteuid() == 0, let config = try? networkConfig else { return [:] }
        let network = PodNetwork(config: config)
        var result: [String: [String: String]] = [:]
        for pod in pods where pod.spec?.hostNetwork != true {
            guard let key = try? PodKey(namespace: pod.namespace, name: pod.name),
                  let address = try? network.ipam.allocate(for: key) else { continue }
            result[key.namespace, default: [:]][key.name] = address.description
        }
        return result
    }

    /// After an apply: a reserved lease of a pod that was not created goes back.
    public func releaseUnusedLease(_ pod: Pod) {
        guard geteuid() == 0, let key = try? PodKey(namespace: pod.namespace, name: pod.name),
              !Files.exists(PodPaths(store: store, key: key).manifest) else { return }
        _ = releaseNetwork(key)
    }

    /// Removes the pod's veth, published ports and lease, if it has a lease. Returns the
    /// error instead of throwing, so the rest of the cleanup still runs. `release`: what
    /// is known of its published ports (NetworkRelease; unknown lists the maps).
    func releaseNetwork(_ key: PodKey, _ release: NetworkRelease = .unknown) -> PodError? {
        do {
            let network = PodNetwork(config: try networkConfig)
            guard try network.ipam.address(of: key) != nil else { return nil }
            // A non-root user's veth is in the user network, where it went with the pod's
            // network namespace; only the lease is podctl's to give back (D65).
            if geteuid() != 0 {
                _ = try network.ipam.release(key)
                return nil
            }
            try network.detach(pod: key, published: release.known)
            return nil
        } catch {
            return error
        }
    }
}

extension PodManager {
    /// Cleans up after pods that went without podctl cleaning up (their state removed by
    /// hand, a crash between two steps of a delete): the leases, published ports, veths
    /// and user namespace blocks of pods that have no state, and the cgroups an earlier
    /// delete could not remove in time (CgroupLeftovers). Run after every apply and delete. A lease younger than
    /// a minute stays: another podctl may have just taken it for a pod of its apply that
    /// it has not written down yet. Returns the pods it cleaned up after.
    public func reclaimGonePods(thorough: Bool = true) throws(PodError) -> [PodKey] {
        let live = Set(try store.podKeys())
        _ = reclaimLeftoverCgroups()
        let ranges = try userNamespaceRanges.reclaim(keeping: live, minimumAge: 60)
        let network = PodNetwork(config: try networkConfig)
        // Nothing was ever leased: no bridge or table to look at, so no cost.
        guard Files.exists(network.ipam.leaseFile) else { return ranges }
        return Array(Set(ranges + (try network.reclaim(keeping: live, minimumLeaseAge: 60, thorough: thorough)))).sorted()
    }
}
