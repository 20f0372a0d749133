import GRPCCore
import PodCgroups
import PodCRIProtocol
import PodRuntime

/// ListMetricDescriptors and ListPodSandboxMetrics (SandboxMetrics.swift): every ready
/// sandbox with its pod cgroup's and its running containers' readings, from the same
/// cgroups as PodSandboxStats; a sandbox that is not ready has nothing to read and is left
/// out, as its processes are gone.
extension RuntimeService {
    public func listMetricDescriptors(request _: Runtime_V1_ListMetricDescriptorsRequest, context _: ServerContext) async throws -> Runtime_V1_ListMetricDescriptorsResponse {
        var response = Runtime_V1_ListMetricDescriptorsResponse()
        response.descriptors = SandboxMetrics.descriptors
        return response
    }

    public func listPodSandboxMetrics(request _: Runtime_V1_ListPodSandboxMetricsRequest, context _: ServerContext) async throws -> Runtime_V1_ListPodSandboxMetricsResponse {
        var response = Runtime_V1_ListPodSandboxMetricsResponse()
        let containers = context.containers.all()
        for record in context.sandboxes.all().sorted(by: { $0.createdAt < $1.createdAt }) {
            let view = SandboxView(record: record, context: context)
            guard view.ready else { continue }
            let layout = podLayout(namespace: record.namespace, name: record.name)
            let readings = containers.filter { $0.sandboxID == record.id }.sorted { $0.createdAt < $1.createdAt }.compactMap { container -> SandboxMetrics.Container? in
                let containerView = ContainerView(record: container, context: context)
                guard containerView.state.0 == .containerRunning else { return nil }
                let usage = layout.flatMap { hostCgroups?.cgroup($0.container(container.name)).usage() }
                return SandboxMetrics.Container(id: container.id, name: containerView.config.metadata.name, usage: usage, startedAt: containerView.startedAt)
            }
            let podUsage = layout.flatMap { hostCgroups?.cgroup($0.pod).usage() }
            response.podMetrics.append(SandboxMetrics.sandbox(id: record.id, namespace: view.config.metadata.namespace, pod: view.config.metadata.name,
                                                              usage: podUsage, containers: readings, now: Self.nanosecondsNow()))
        }
        return response
    }
}
