import GRPCCore
import PodCRIProtocol

// The RPCs of RuntimeService not served yet: the metrics.
// Each answers Unimplemented, naming what it is waiting for, so a client learns
// the truth and not an empty answer (docs/cri.md, "What is served").
extension RuntimeService {
    public func listMetricDescriptors(request: Runtime_V1_ListMetricDescriptorsRequest, context: ServerContext) async throws -> Runtime_V1_ListMetricDescriptorsResponse {
        throw RPCFailure.unimplemented("ListMetricDescriptors", needs: "the cgroup readings of CRI sandboxes")
    }

    public func listPodSandboxMetrics(request: Runtime_V1_ListPodSandboxMetricsRequest, context: ServerContext) async throws -> Runtime_V1_ListPodSandboxMetricsResponse {
        throw RPCFailure.unimplemented("ListPodSandboxMetrics", needs: "the cgroup readings of CRI sandboxes")
    }

    /// As containerd without CRIU: checkpointing stays Unimplemented (issue #16).
    public func checkpointContainer(request: Runtime_V1_CheckpointContainerRequest, context: ServerContext) async throws -> Runtime_V1_CheckpointContainerResponse {
        throw RPCError(code: .unimplemented, message: "podctl-cri does not checkpoint containers (no CRIU), as containerd without CRIU")
    }
}
