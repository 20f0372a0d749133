import Glibc
import PodLaunch
import PodNetlink

/// Configures the pod's `eth0` (address, up, default route) from inside its network
/// namespace: the host side made the veth with its pod end already in there.
func configureNetwork(_ plan: NetworkLaunch) -> Never {
    // A non-root user's pod: its network namespace belongs to the user network's user
    // namespace, where the helper has CAP_SYS_ADMIN only once it is in it (setns(2)).
    if plan.joinsPodUserNamespace { join("user", of: plan.podPID, flag: Namespace.user) }
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
