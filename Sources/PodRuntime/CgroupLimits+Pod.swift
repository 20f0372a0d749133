import PodCgroups
import PodModel

/// The cgroup limits of a pod and of its containers, from their requests and limits as
/// the kubelet computes them (`ResourceConfigForPod` in `pkg/kubelet/cm/helpers_linux.go`;
/// the container side in `kuberuntime_container_linux.go`). Here, not in PodCgroups,
/// because that module takes plain numbers and knows no manifests.
extension CgroupLimits {
    /// A container's cgroup: its CPU request as shares (a limit without a request requests
    /// the limit, as defaulting does), its CPU limit as a quota, its memory limit.
    init(container: Container) {
        let requests = container.resources?.requests ?? [:]
        let limits = container.resources?.limits ?? [:]
        let request = (requests["cpu"] ?? limits["cpu"])?.milliValue ?? 0
        self.init(memoryMax: Self.positive(limits["memory"]?.value),
                  cpuShares: CPUConversion.shares(milliCPU: request),
                  cpuQuota: CPUConversion.quota(milliCPU: limits["cpu"]?.milliValue ?? 0))
    }

    /// The pod's cgroup (`ResourceConfigForPod`): shares from the pod's summed CPU
    /// requests; a CPU quota and a memory limit only when every container has that limit
    /// (otherwise one container's share would be unbounded, so the pod is too); init
    /// containers count as the kubelet counts them (`PodRequests`/`PodLimits`): the larger
    /// of the app containers' sum and the biggest init container, sidecars added to both.
    init(pod: Pod, pidsMax: Int64?) {
        let spec = pod.withDefaults().spec
        let inits = spec?.initContainers ?? []
        let apps = spec?.containers ?? []
        let all = inits + apps
        func amount(_ container: Container, _ list: KeyPath<ResourceRequirements, [String: Quantity]?>, _ name: String, milli: Bool) -> Int64 {
            guard let quantity = container.resources?[keyPath: list]?[name] else { return 0 }
            return max(0, (milli ? quantity.milliValue : quantity.value) ?? 0)
        }
        func podTotal(_ list: KeyPath<ResourceRequirements, [String: Quantity]?>, _ name: String, milli: Bool) -> Int64 {
            var sidecars: Int64 = 0
            var biggestInit: Int64 = 0
            for container in inits {
                let value = amount(container, list, name, milli: milli)
                if container.restartPolicy == "Always" { sidecars += value } else { biggestInit = max(biggestInit, value + sidecars) }
            }
            let appSum = apps.reduce(Int64(0)) { $0 + amount($1, list, name, milli: milli) }
            return max(appSum + sidecars, biggestInit)
        }
        let everyCPU = !all.isEmpty && all.allSatisfy { amount($0, \.limits, "cpu", milli: true) > 0 }
        let everyMemory = !all.isEmpty && all.allSatisfy { amount($0, \.limits, "memory", milli: false) > 0 }
        self.init(memoryMax: everyMemory ? podTotal(\.limits, "memory", milli: false) : nil,
                  cpuShares: CPUConversion.shares(milliCPU: podTotal(\.requests, "cpu", milli: true)),
                  cpuQuota: everyCPU ? CPUConversion.quota(milliCPU: podTotal(\.limits, "cpu", milli: true)) : nil,
                  pidsMax: pidsMax)
    }

    private static func positive(_ value: Int64?) -> Int64? {
        guard let value, value > 0 else { return nil }
        return value
    }
}
