import GRPCCore
import PodCgroups
import PodCRIProtocol
import PodRuntime
import PodStore

/// PodSandboxStats and ListPodSandboxStats: the pod's cgroup (pause and every container)
/// for CPU time and memory working set, and each of its containers' stats
/// (RuntimeService+Stats.swift). A sandbox that is not ready has the timestamps only.
/// Network and process counts are not reported yet.
extension RuntimeService {
    public func podSandboxStats(request: Runtime_V1_PodSandboxStatsRequest, context _: ServerContext) async throws -> Runtime_V1_PodSandboxStatsResponse {
        guard let record = context.sandboxes.find(request.podSandboxID) else {
            throw RPCError(code: .notFound, message: "pod_sandbox_id: no sandbox \(SandboxConfigMapping.quoted(request.podSandboxID))")
        }
        var response = Runtime_V1_PodSandboxStatsResponse()
        response.stats = sandboxStats(record)
        return response
    }

    public func listPodSandboxStats(request: Runtime_V1_ListPodSandboxStatsRequest, context _: ServerContext) async throws -> Runtime_V1_ListPodSandboxStatsResponse {
        let filter = request.filter
        let records = sandboxRecords(id: request.hasFilter ? filter.id : "")
        var response = Runtime_V1_ListPodSandboxStatsResponse()
        for record in records.sorted(by: { $0.createdAt < $1.createdAt }) {
            let labels = record.decodedConfig().labels
            if request.hasFilter && !CRIListFilter.labels(labels, match: filter.labelSelector) { continue }
            response.stats.append(sandboxStats(record))
        }
        return response
    }

    func sandboxStats(_ record: SandboxRecord) -> Runtime_V1_PodSandboxStats {
        let view = SandboxView(record: record, context: context)
        var stats = Runtime_V1_PodSandboxStats()
        stats.attributes.id = record.id
        stats.attributes.metadata = view.config.metadata
        stats.attributes.labels = view.config.labels
        stats.attributes.annotations = view.config.annotations
        let now = Self.nanosecondsNow()
        stats.linux.cpu.timestamp = now
        stats.linux.memory.timestamp = now
        var layouts: [String: CgroupLayout?] = [:]
        stats.linux.containers = context.containers.all().filter { $0.sandboxID == record.id }
            .sorted { $0.createdAt < $1.createdAt }.map { self.stats($0, layouts: &layouts) }
        guard view.ready, let layout = podLayout(namespace: record.namespace, name: record.name), let hierarchy = hostCgroups,
              let usage = hierarchy.cgroup(layout.pod).usage() else { return stats }
        stats.linux.cpu.usageCoreNanoSeconds.value = usage.cpuNanoseconds
        stats.linux.memory.workingSetBytes.value = usage.memoryWorkingSet
        return stats
    }
}
