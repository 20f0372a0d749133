import Foundation
import PodCgroups
import PodCore
import PodModel
import PodOS
import PodPlan

/// oom_score_adj per QoS class, the kubelet's `GetContainerOOMScoreAdjust`
/// (pkg/kubelet/qos/policy.go): Guaranteed -997, BestEffort 1000, Burstable scaled by
/// the share of the node's memory the container requests, kept within 3…999 so a
/// Burstable container always dies before a Guaranteed one and after a BestEffort one.
public enum OOMScore {
    public static let guaranteed: Int32 = -997
    public static let bestEffort: Int32 = 1000
    public static let sandbox: Int32 = -998

    public static func container(_ container: Container, qos: QoSClass, memoryCapacity: Int64) -> Int32 {
        switch qos {
        case .guaranteed: return guaranteed
        case .bestEffort: return bestEffort
        case .burstable:
            let request = max(0, container.resources?.requests?["memory"]?.value ?? 0)
            guard memoryCapacity > 0 else { return bestEffort - 1 }
            let score = 1000 - (1000 * min(request, memoryCapacity)) / memoryCapacity
            if score < 1000 + Int64(guaranteed) { return 1000 + guaranteed }
            if score == Int64(bestEffort) { return bestEffort - 1 }
            return Int32(score)
        }
    }

    /// MemTotal of /proc/meminfo in bytes (the kubelet's node capacity).
    public static func memoryCapacity() -> Int64 {
        let text = (try? Files.readText("/proc/meminfo")) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
              let kib = Int64(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib * 1024
    }
}

/// The pod's pids limit: `podctl.io/pids-limit` on the pod, else `PODCTL_POD_PIDS_LIMIT`
/// in podctl's environment, else 4096. `max` (or -1) is no limit. The kubelet's
/// `--pod-max-pids` defaults to none; podctl defaults to a limit because a fork bomb in
/// one pod should not take the host down, and 4096 leaves room for any ordinary workload.
public enum PidsLimit {
    public static let annotation = "podctl.io/pids-limit"
    public static let variable = "PODCTL_POD_PIDS_LIMIT"
    public static let defaultLimit: Int64 = 4096

    /// nil: no limit; throws on a value that is not a positive number or `max`.
    public static func resolve(annotation value: String?, environment: [String: String]) throws(PodError) -> Int64? {
        let (text, source) = value.map { ($0, "metadata.annotations[\(annotation)]") } ?? (environment[variable].map { ($0, variable) } ?? (String(defaultLimit), "default"))
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "max" || trimmed == "-1" { return nil }
        guard let limit = Int64(trimmed), limit > 0 else {
            throw PodError(.invalidManifest, "\(source): Invalid value: \"\(text)\": the pids limit must be a positive number, or max for none")
        }
        return limit
    }
}

extension RunPlanner {
    /// The pids limit and cgroup root of a pod: checks with no side effect, which apply
    /// and `apply --dry-run` both run (PodManager.preflight).
    static func checkResources(_ pod: Pod, environment: [String: String]) throws(PodError) -> (pids: Int64?, root: String) {
        let pids = try PidsLimit.resolve(annotation: pod.metadata?.annotations?[PidsLimit.annotation], environment: environment)
        guard let root = CgroupLayout.root(environment: environment) else {
            throw PodError(.invalidArgument, "\(CgroupLayout.rootVariable)=\(environment[CgroupLayout.rootVariable] ?? ""): the cgroup root must be an absolute path below the hierarchy's root, without . or ..")
        }
        return (pids, root)
    }

    struct ResourcePlan {
        let pod: PodCgroupPlan?
        let qos: QoSClass
        let memoryCapacity: Int64

        func apply(to plan: inout ContainerPlan, _ container: Container) {
            guard pod != nil else { return }
            plan.limits = CgroupLimits(container: container)
            plan.oomScoreAdj = OOMScore.container(container, qos: qos, memoryCapacity: memoryCapacity)
        }
    }

    /// The pod's limits, its cgroup place and the containers' QoS scores, decided at apply.
    func resourcePlan(environment: [String: String] = ProcessInfo.processInfo.environment) throws(PodError) -> ResourcePlan {
        let (pids, root) = try Self.checkResources(pod, environment: environment)
        let defaulted = pod.withDefaults()
        let podPlan = PodCgroupPlan(layout: CgroupLayout(root: root, podUID: uid), limits: CgroupLimits(pod: defaulted, pidsMax: pids), sandboxOOMScoreAdj: OOMScore.sandbox)
        return ResourcePlan(pod: podPlan, qos: QoSClass(pod), memoryCapacity: OOMScore.memoryCapacity())
    }
}
