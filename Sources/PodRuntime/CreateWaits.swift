import Foundation
import PodModel

/// Why a pod cannot be created yet, in the kubelet's words (D58): what `get`, `describe`
/// and `wait` show while it waits, and what apply prints as a warning. Decided without
/// root or state, from the pod and what is stored; the image-dependent part (runAsNonRoot)
/// is added by the planner (`RunPlanner.userWaits`).
public struct CreateWaits: Equatable, Sendable {
    /// A container's `CreateContainerConfigError` (the kubelet's `generateContainerConfig`
    /// failed): an env source missing, or runAsNonRoot against a root image.
    public struct ContainerProblem: Equatable, Sendable {
        public let container: String
        public let message: String
    }

    /// The scheduler's reason a pod stays unscheduled: a claim that does not exist
    /// (`0/1 nodes are available: persistentvolumeclaim "x" not found.`).
    public var unschedulable: [String] = []
    /// `FailedMount` events: a configMap, secret or projected volume that cannot be made
    /// (every container stays ContainerCreating, as behind a kubelet's volume manager).
    public var failedMounts: [String] = []
    public var containers: [ContainerProblem] = []

    public init() {}

    public var isEmpty: Bool { unschedulable.isEmpty && failedMounts.isEmpty && containers.isEmpty }

    /// One line per problem, for apply's warnings and `apply --wait`'s failure.
    public var summary: [String] {
        unschedulable.map { "Unschedulable: \($0)" } + failedMounts.map { "FailedMount: \($0)" }
            + containers.map { "container \($0.container): CreateContainerConfigError: \($0.message)" }
    }

    /// What the pod's ConfigMap and Secret references lack, against the objects stored in
    /// its namespace. Optional references never wait (a missing optional object or key
    /// is left out, as the kubelet does).
    public static func configWaits(_ pod: Pod, configMaps: [String: ConfigMap], secrets: [String: Secret]) -> CreateWaits {
        var waits = CreateWaits()
        var mounts = Set<String>()
        var containerSeen = Set<String>()
        // envFrom before env, as makeEnvironmentVariables reads them.
        let all = Manifest.references(of: pod).filter { !$0.optional }
        let ordered = all.filter { if case .envFrom = $0.use { return true } else { return false } }
            + all.filter { if case .envFrom = $0.use { return false } else { return true } }
        for reference in ordered {
            let keys = keys(of: reference, configMaps: configMaps, secrets: secrets)
            let namespaced = "\(pod.namespace)/\(reference.name)"
            let kind = reference.kind == "ConfigMap" ? ConfigKind.configMap : .secret
            let missing = "\(kind.resource) \"\(reference.name)\" not found"
            switch reference.use {
            case let .env(container, key):
                // The first failure of a container is the one the kubelet reports.
                guard !containerSeen.contains(container) else { continue }
                if keys == nil || keys?.contains(key) == false {
                    containerSeen.insert(container)
                    waits.containers.append(ContainerProblem(container: container, message: keys == nil ? missing : "couldn't find key \(key) in \(reference.kind) \(namespaced)"))
                }
            case let .envFrom(container):
                guard !containerSeen.contains(container), keys == nil else { continue }
                containerSeen.insert(container)
                waits.containers.append(ContainerProblem(container: container, message: missing))
            case let .volume(volume, wanted):
                let absent = keys.map { present in wanted.first { !present.contains($0) } } ?? nil
                let problem = keys == nil ? missing
                    : absent.map { kind == .configMap ? "configmap references non-existent config key: \($0)" : "secret references non-existent secret key: \($0)" }
                guard let problem else { continue }
                let line = "MountVolume.SetUp failed for volume \"\(volume)\" : \(problem)"
                if mounts.insert(line).inserted { waits.failedMounts.append(line) }
            }
        }
        return waits
    }

    /// The keys of the referenced object; nil when it is not stored.
    private static func keys(of reference: Manifest.Reference, configMaps: [String: ConfigMap], secrets: [String: Secret]) -> Set<String>? {
        if reference.kind == "ConfigMap" {
            guard let map = configMaps[reference.name] else { return nil }
            return Set((map.data ?? [:]).keys).union((map.binaryData ?? [:]).keys)
        }
        guard let secret = secrets[reference.name] else { return nil }
        return Set((secret.data ?? [:]).keys).union((secret.stringData ?? [:]).keys)
    }

    /// Claims the pod names that are not stored: the scheduler keeps such a pod Pending.
    public static func claimWaits(_ pod: Pod, exists: (String) -> Bool) -> [String] {
        (pod.spec?.volumes ?? []).compactMap(\.persistentVolumeClaim?.claimName).filter { !exists($0) }
            .map { "0/1 nodes are available: persistentvolumeclaim \"\($0)\" not found." }
    }
}
