import Glibc
import PodLaunch
import PodNetlink

/// Configures the pod's `eth0` (address, up, default route) from inside its network
/// namespace: the host side made the veth with its pod end already in there.
func configureNetwork(_ plan: NetworkLaunch) -> Never {
    join("net", of: plan.podPID, flag: Namespace.net)
    guard let config = PodInterfaceConfig(encoded: plan.interface) else {
        fail(.plan, "parse", 0, "", "a malformed interface configuration: \(plan.interface)")
    }
    do {
        try PodInterface.configure(config)
    } catch {
        fail(.setup, "netlink", error.errno ?? 0, config.name, error.description)
    }
    exit(0)
}
