import Foundation
import Glibc
import PodCore
import PodNetwork
import PodOS
import PodPlan
import PodStore

extension PodManager {
    /// Cleans what a crash left of a pod whose supervisor is dead, keeping its state root
    /// (manifest, plan, logs, volumes, lease, user namespace block): processes still in its
    /// namespaces, its cgroups, its published ports, and its run files. Every step runs;
    /// cgroups left busy are returned as warnings (CgroupLeftovers takes them), the
    /// errors are thrown together at the end.
    func cleanStale(_ key: PodKey, paths: PodPaths, status: PodStatusRecord?) throws(PodError) -> [String] {
        var errors: [PodError] = []
        var warnings: [String] = []
        // A PID from before a reboot may name another process now: only a pause is followed.
        let cgroups = podCgroupLayout(paths, status: status)
        if let damage = cgroups.damage { errors.append(damage) }
        killLeftovers(holdNetworkNamespace(status))
        do throws(PodError) {
            if let warning = try destroyCgroups(cgroups.layout) { warnings.append(warning) }
        } catch { errors.append(error) }
        if let error = unpublishPorts(key) { errors.append(error) }
        // The host end of its veth needs nothing: attach replaces a stale one of the pod.
        for file in [paths.status, paths.controlSocket, paths.supervisorPID, paths.gracePeriod] where unlink(file) != 0 && errno != ENOENT {
            errors.append(.system("unlink", errno: errno, path: file, "cannot remove the stale run file \(file) of pod \(key)"))
        }
        guard let first = errors.first else { return warnings }
        let text = errors.map(\.description).joined(separator: "; ")
        throw PodError(first.code, "cleaning up what a crash left of pod \(key): \(text); run podctl restore again", cause: errors.count == 1 ? first.cause : nil)
    }

    /// Whether `pid` is a pod's pause (or its init), by its command line.
    func isPause(_ pid: Int32) -> Bool {
        guard pid > 0, let command = try? Files.readText("/proc/\(pid)/cmdline") else { return false }
        let program = Files.basename(of: String(command.split(separator: "\0").first ?? ""))
        return program == "pod-pause" || program == "pod-init"
    }

    /// Removes the nftables map elements of the pod (a crash without a reboot leaves them,
    /// pointing at an address that may change); the lease stays.
    func unpublishPorts(_ key: PodKey) -> PodError? {
        // A non-root user's nftables are in the user network, which has no hostPorts yet
        // and goes with its holder (D65): nothing of them is on the host.
        guard geteuid() == 0 else { return nil }
        do {
            let network = PodNetwork(config: try networkConfig)
            guard Files.exists(network.ipam.leaseFile) else { return nil }
            try network.unpublish(pod: key)
            return nil
        } catch {
            return error
        }
    }
}
