import Glibc
import PodCore
import PodLaunch
import PodNetwork
import PodStore

extension Supervisor {
    /// Wires the pod's network after pause started: the veth (host side, here), `eth0`'s
    /// address and route (pod-helper inside the pod's namespace), and the hostPorts.
    func attachNetwork() -> Bool {
        guard let network = plan.network, !network.hostNetwork else { return true }
        do {
            let pods = try PodNetwork(config: network.config)
            let key = try PodKey(namespace: plan.namespace, name: plan.name)
            let attachment = try pods.attach(pod: key, pausePID: status.pausePID)
            try configureInterface(attachment.interface.encoded)
            let ports = try network.ports.map { port throws(PodError) in
                try HostPort(protocolName: port.proto, hostIP: port.hostIP, hostPort: port.hostPort, containerPort: port.containerPort)
            }
            do { try pods.publish(ports, for: key) } catch where error.code == .alreadyExists {
                // Another pod took a hostPort between apply's check and this publish: the
                // conflict apply reports when it sees it first, in the same words; apply
                // maps the reason back to the same exit code (PodManager.sandboxFailure).
                return failNetwork(reason: PodManager.hostPortConflict, message: error.description)
            }
            status.podIP = attachment.podIP.description
            status.record(.normal, "NetworkReady", "Pod address \(attachment.podIP) on \(network.bridge) (\(attachment.hostInterface))")
            return true
        } catch {
            return failNetwork(reason: "NetworkSetupError", message: "cannot set up the pod's network: \(error)")
        }
    }

    /// A pod that ended on its own gives back its address, hostPorts and host veth, as the
    /// kubelet's StopPodSandbox has the CNI plugin release them (CNI DEL); status keeps the
    /// address it had, and `delete` finds nothing left to release.
    func releaseNetwork() {
        guard let network = plan.network, !network.hostNetwork else { return }
        do {
            let key = try PodKey(namespace: plan.namespace, name: plan.name)
            // An address in the status means the publish succeeded: the ports are known.
            let published = status.podIP == nil ? nil : try network.ports.map { port throws(PodError) in
                try HostPort(protocolName: port.proto, hostIP: port.hostIP, hostPort: port.hostPort, containerPort: port.containerPort)
            }
            try PodNetwork(config: network.config).detach(pod: key, published: published)
        } catch {
            log("cannot release the pod's network: \(error)")
        }
    }

    private func failNetwork(reason: String, message: String) -> Bool {
        status.phase = "Failed"
        status.reason = reason
        status.message = message
        status.record(.warning, "FailedCreatePodSandBox", message)
        log(message)
        return false
    }

    /// pod-helper joins the pause's network namespace and configures `eth0` there.
    private func configureInterface(_ encoded: String) throws(PodError) {
        var launch = LaunchPlan(mode: .network)
        launch.podPID = status.pausePID
        launch.interface = encoded
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let (reports, code) = try launcher.start(launch, stdio: .init(input: null, output: 2, error: 2)).finish()
        for case let .failed(failure) in reports {
            throw PodError(.system, failure.message, cause: .system(call: failure.call, errno: failure.errno, path: failure.path))
        }
        guard code == 0 else { throw PodError(.system, "pod-helper exited with \(code ?? -1) while configuring eth0") }
    }
}

extension NetworkPlan {
    var config: NetworkConfig {
        get throws(PodError) {
            try NetworkConfig.resolve(root: root, environment: ["PODCTL_BRIDGE": bridge, "PODCTL_SUBNET": subnet])
        }
    }
}
