import Glibc
import PodCgroups
import PodCore
import PodNetwork
import PodOS
import PodRuntime

/// The two conditions of StatusResponse (the kubelet waits for both before it starts a
/// pod that is not hostNetwork), each from checks of this host, not a constant.
struct RuntimeConditions {
    struct Condition: Equatable {
        var type: String
        var ready: Bool
        var reason: String
        var message: String
    }

    let context: CRIContext

    /// RuntimeReady: the state roots can be made and written, a cgroup hierarchy with the
    /// controllers podctl uses is mounted, and podctl's helper programs (pod-helper,
    /// pod-supervisor, pause, init, pod-dns) are where podctl looks for them, beside the
    /// daemon or in ../libexec/podctl (PodRuntime's `Binaries`): what a pod start needs first.
    func runtime() -> Condition {
        var problems: [String] = []
        do throws(PodError) {
            try context.store.checkAccess()
            try context.store.prepare()
        } catch {
            problems.append(error.message)
        }
        let runRoot = context.store.roots.runRoot
        if access(runRoot, W_OK) != 0 { problems.append(RuntimeConditions.failure("cannot write \(runRoot)", call: "access", path: runRoot)) }
        if CgroupHierarchy.detect() == nil { problems.append("no cgroup hierarchy with the cpu, memory and pids controllers is mounted") }
        do throws(PodError) { _ = try Binaries.locate(environment: context.environment) } catch { problems.append(error.message) }
        return Condition(type: "RuntimeReady", ready: problems.isEmpty, reason: problems.isEmpty ? "" : "RuntimeNotReady", message: problems.joined(separator: "; "))
    }

    /// NetworkReady: the pod network's settings are valid (PODCTL_BRIDGE, PODCTL_SUBNET),
    /// its state directory can be made, and rtnetlink answers (the bridge, veths and
    /// addresses are made through it).
    func network() -> Condition {
        var problems: [String] = []
        do throws(PodError) {
            let config = try NetworkConfig.resolve(root: context.store.roots.root, environment: context.environment)
            try Files.makeDirectories(config.stateDirectory, mode: 0o700)
        } catch {
            problems.append(error.message)
        }
        do throws(PodError) { _ = try NetlinkSocket() } catch { problems.append(error.message) }
        return Condition(type: "NetworkReady", ready: problems.isEmpty, reason: problems.isEmpty ? "" : "NetworkPluginNotReady", message: problems.joined(separator: "; "))
    }

    /// The message of a failed call with its errno, as PodError words it.
    static func failure(_ what: String, call: String, path: String?) -> String {
        PodError(.system, what, cause: .system(call: call, errno: errno, path: path)).description
    }
}
