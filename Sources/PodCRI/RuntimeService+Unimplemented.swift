import GRPCCore
import PodCRIProtocol

// The RPCs of RuntimeService not served yet: streaming and metrics.
// Each answers Unimplemented, naming what it is waiting for, so a client learns
// the truth and not an empty answer (docs/cri.md, "What is served").
extension RuntimeService {
    public func exec(request: Runtime_V1_ExecRequest, context: ServerContext) async throws -> Runtime_V1_ExecResponse {
        throw RPCFailure.unimplemented("Exec", needs: "the streaming server (SPDY and WebSocket remotecommand, issue #16 item 3)")
    }

    public func attach(request: Runtime_V1_AttachRequest, context: ServerContext) async throws -> Runtime_V1_AttachResponse {
        throw RPCFailure.unimplemented("Attach", needs: "the streaming server and the supervisor's attach endpoint (issue #16 item 3)")
    }

    public func portForward(request: Runtime_V1_PortForwardRequest, context: ServerContext) async throws -> Runtime_V1_PortForwardResponse {
        throw RPCFailure.unimplemented("PortForward", needs: "the streaming server (portforward.k8s.io, issue #16 item 3)")
    }

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
