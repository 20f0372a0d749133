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
            try pods.publish(try network.ports.map { port throws(PodError) in
                try HostPort(protocolName: port.proto, hostIP: port.hostIP, hostPort: port.hostPort, containerPort: port.containerPort)
            }, for: key)
            status.podIP = attachment.podIP.description
            status.record(.normal, "NetworkReady", "Pod address \(attachment.podIP) on \(network.bridge) (\(attachment.hostInterface))")
            return true
        } catch {
            status.phase = "Failed"
            status.reason = "NetworkSetupError"
            status.message = "cannot set up the pod's network: \(error)"
            status.record(.warning, "FailedCreatePodSandBox", status.message ?? "")
            log(status.message ?? "")
            return false
        }
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
