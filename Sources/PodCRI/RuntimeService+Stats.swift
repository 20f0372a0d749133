import Foundation
import GRPCCore
import PodCgroups
import PodCore
import PodCRIProtocol
import PodRuntime
import PodStore

/// ContainerStats and ListContainerStats from the containers' cgroups (docs/resources.md):
/// CPU time in nanoseconds and the memory working set (usage less inactive file pages,
/// what the kubelet evicts on), each with the reading's time, as containerd reports them
/// from its cgroup metrics. A container that is not running has the timestamps and no
/// values. The writable layer's usage is not reported yet.
extension RuntimeService {
    public func containerStats(request: Runtime_V1_ContainerStatsRequest, context _: ServerContext) async throws -> Runtime_V1_ContainerStatsResponse {
        let record = try container(request.containerID)
        var response = Runtime_V1_ContainerStatsResponse()
        var layouts: [String: CgroupLayout?] = [:]
        response.stats = stats(record, layouts: &layouts)
        return response
    }

    public func listContainerStats(request: Runtime_V1_ListContainerStatsRequest, context _: ServerContext) async throws -> Runtime_V1_ListContainerStatsResponse {
        let filter = request.filter
        let records = request.hasFilter ? containerRecords(id: filter.id, podSandboxID: filter.podSandboxID) : context.containers.all()
        var response = Runtime_V1_ListContainerStatsResponse()
        var layouts: [String: CgroupLayout?] = [:]
        for record in records.sorted(by: { $0.createdAt < $1.createdAt }) {
            let labels = record.decodedConfig().labels
            if request.hasFilter && !CRIListFilter.labels(labels, match: filter.labelSelector) { continue }
            response.stats.append(stats(record, layouts: &layouts))
        }
        return response
    }

    /// One container's reading; `layouts` keeps each pod's cgroup layout for the call
    /// (read from its run plan once).
    func stats(_ record: ContainerRecord, layouts: inout [String: CgroupLayout?]) -> Runtime_V1_ContainerStats {
        let config = record.decodedConfig()
        var stats = Runtime_V1_ContainerStats()
        stats.attributes.id = record.id
        stats.attributes.metadata = config.metadata
        stats.attributes.labels = config.labels
        stats.attributes.annotations = config.annotations
        let now = Self.nanosecondsNow()
        stats.cpu.timestamp = now
        stats.memory.timestamp = now
        // Only a running container's cgroup is read: one that ended keeps no live usage.
        guard ContainerView(record: record, context: context).state.0 == .containerRunning else { return stats }
        let pod = record.namespace + "/" + record.podName
        if layouts[pod] == nil { layouts[pod] = .some(podLayout(namespace: record.namespace, name: record.podName)) }
        guard let layout = layouts[pod] ?? nil, let hierarchy = hostCgroups,
              let usage = hierarchy.cgroup(layout.container(record.name)).usage() else { return stats }
        stats.cpu.usageCoreNanoSeconds.value = usage.cpuNanoseconds
        stats.memory.workingSetBytes.value = usage.memoryWorkingSet
        return stats
    }

    /// The pod's cgroup layout, from its run plan.
    func podLayout(namespace: String, name: String) -> CgroupLayout? {
        guard let key = try? PodKey(namespace: namespace, name: name),
              let plan = try? context.store.read(RunPlan.self, from: PodPaths(store: context.store, key: key).runPlan) else { return nil }
        return plan.cgroups?.layout
    }
}
