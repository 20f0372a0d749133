import GRPCCore
import PodCRIProtocol

// The RPCs of RuntimeService that need sandboxes and containers made through the CRI.
// They come with the supervisor's one-container-at-a-time state machine and no-restart
// mode (#15); until then each answers Unimplemented, naming what it is waiting for, so
// a client learns the truth and not an empty list (docs/cri.md, "What is served").
extension RuntimeService {
    public func runPodSandbox(request: Runtime_V1_RunPodSandboxRequest, context: ServerContext) async throws -> Runtime_V1_RunPodSandboxResponse {
        throw RPCFailure.unimplemented("RunPodSandbox", needs: "the supervisor's one-container-at-a-time state machine (#15) for sandboxes")
    }

    public func stopPodSandbox(request: Runtime_V1_StopPodSandboxRequest, context: ServerContext) async throws -> Runtime_V1_StopPodSandboxResponse {
        throw RPCFailure.unimplemented("StopPodSandbox", needs: "the supervisor's one-container-at-a-time state machine (#15) for sandboxes")
    }

    public func removePodSandbox(request: Runtime_V1_RemovePodSandboxRequest, context: ServerContext) async throws -> Runtime_V1_RemovePodSandboxResponse {
        throw RPCFailure.unimplemented("RemovePodSandbox", needs: "the supervisor's one-container-at-a-time state machine (#15) for sandboxes")
    }

    public func podSandboxStatus(request: Runtime_V1_PodSandboxStatusRequest, context: ServerContext) async throws -> Runtime_V1_PodSandboxStatusResponse {
        throw RPCFailure.unimplemented("PodSandboxStatus", needs: "the supervisor's one-container-at-a-time state machine (#15) for sandboxes")
    }

    public func listPodSandbox(request: Runtime_V1_ListPodSandboxRequest, context: ServerContext) async throws -> Runtime_V1_ListPodSandboxResponse {
        throw RPCFailure.unimplemented("ListPodSandbox", needs: "the supervisor's one-container-at-a-time state machine (#15) for sandboxes")
    }

    public func createContainer(request: Runtime_V1_CreateContainerRequest, context: ServerContext) async throws -> Runtime_V1_CreateContainerResponse {
        throw RPCFailure.unimplemented("CreateContainer", needs: "the supervisor's one-container-at-a-time state machine (#15) for CRI containers")
    }

    public func startContainer(request: Runtime_V1_StartContainerRequest, context: ServerContext) async throws -> Runtime_V1_StartContainerResponse {
        throw RPCFailure.unimplemented("StartContainer", needs: "the supervisor's one-container-at-a-time state machine (#15) for CRI containers")
    }

    public func stopContainer(request: Runtime_V1_StopContainerRequest, context: ServerContext) async throws -> Runtime_V1_StopContainerResponse {
        throw RPCFailure.unimplemented("StopContainer", needs: "the supervisor's one-container-at-a-time state machine (#15) for CRI containers")
    }

    public func removeContainer(request: Runtime_V1_RemoveContainerRequest, context: ServerContext) async throws -> Runtime_V1_RemoveContainerResponse {
        throw RPCFailure.unimplemented("RemoveContainer", needs: "the supervisor's one-container-at-a-time state machine (#15) for CRI containers")
    }

    public func listContainers(request: Runtime_V1_ListContainersRequest, context: ServerContext) async throws -> Runtime_V1_ListContainersResponse {
        throw RPCFailure.unimplemented("ListContainers", needs: "the supervisor's one-container-at-a-time state machine (#15) for CRI containers")
    }

    public func containerStatus(request: Runtime_V1_ContainerStatusRequest, context: ServerContext) async throws -> Runtime_V1_ContainerStatusResponse {
        throw RPCFailure.unimplemented("ContainerStatus", needs: "the supervisor's one-container-at-a-time state machine (#15) for CRI containers")
    }

    public func updateContainerResources(request: Runtime_V1_UpdateContainerResourcesRequest, context: ServerContext) async throws -> Runtime_V1_UpdateContainerResourcesResponse {
        throw RPCFailure.unimplemented("UpdateContainerResources", needs: "the supervisor's one-container-at-a-time state machine (#15) for CRI containers")
    }

    public func reopenContainerLog(request: Runtime_V1_ReopenContainerLogRequest, context: ServerContext) async throws -> Runtime_V1_ReopenContainerLogResponse {
        throw RPCFailure.unimplemented("ReopenContainerLog", needs: "CRI containers and the supervisor's log reopening")
    }

    public func execSync(request: Runtime_V1_ExecSyncRequest, context: ServerContext) async throws -> Runtime_V1_ExecSyncResponse {
        throw RPCFailure.unimplemented("ExecSync", needs: "CRI containers (#15)")
    }

    public func exec(request: Runtime_V1_ExecRequest, context: ServerContext) async throws -> Runtime_V1_ExecResponse {
        throw RPCFailure.unimplemented("Exec", needs: "the streaming server (SPDY and WebSocket remotecommand, issue #16 item 3)")
    }

    public func attach(request: Runtime_V1_AttachRequest, context: ServerContext) async throws -> Runtime_V1_AttachResponse {
        throw RPCFailure.unimplemented("Attach", needs: "the streaming server and the supervisor's attach endpoint (issue #16 item 3)")
    }

    public func portForward(request: Runtime_V1_PortForwardRequest, context: ServerContext) async throws -> Runtime_V1_PortForwardResponse {
        throw RPCFailure.unimplemented("PortForward", needs: "the streaming server (portforward.k8s.io, issue #16 item 3)")
    }

    public func containerStats(request: Runtime_V1_ContainerStatsRequest, context: ServerContext) async throws -> Runtime_V1_ContainerStatsResponse {
        throw RPCFailure.unimplemented("ContainerStats", needs: "CRI containers and their cgroups")
    }

    public func listContainerStats(request: Runtime_V1_ListContainerStatsRequest, context: ServerContext) async throws -> Runtime_V1_ListContainerStatsResponse {
        throw RPCFailure.unimplemented("ListContainerStats", needs: "CRI containers and their cgroups")
    }

    public func podSandboxStats(request: Runtime_V1_PodSandboxStatsRequest, context: ServerContext) async throws -> Runtime_V1_PodSandboxStatsResponse {
        throw RPCFailure.unimplemented("PodSandboxStats", needs: "CRI sandboxes and their cgroups")
    }

    public func listPodSandboxStats(request: Runtime_V1_ListPodSandboxStatsRequest, context: ServerContext) async throws -> Runtime_V1_ListPodSandboxStatsResponse {
        throw RPCFailure.unimplemented("ListPodSandboxStats", needs: "CRI sandboxes and their cgroups")
    }

    public func listMetricDescriptors(request: Runtime_V1_ListMetricDescriptorsRequest, context: ServerContext) async throws -> Runtime_V1_ListMetricDescriptorsResponse {
        throw RPCFailure.unimplemented("ListMetricDescriptors", needs: "CRI sandboxes and their cgroups")
    }

    public func listPodSandboxMetrics(request: Runtime_V1_ListPodSandboxMetricsRequest, context: ServerContext) async throws -> Runtime_V1_ListPodSandboxMetricsResponse {
        throw RPCFailure.unimplemented("ListPodSandboxMetrics", needs: "CRI sandboxes and their cgroups")
    }

    public func getContainerEvents(request: Runtime_V1_GetEventsRequest, response: RPCWriter<Runtime_V1_ContainerEventResponse>, context: ServerContext) async throws {
        throw RPCFailure.unimplemented("GetContainerEvents", needs: "CRI containers (#15)")
    }

    /// As containerd without CRIU: checkpointing stays Unimplemented (issue #16).
    public func checkpointContainer(request: Runtime_V1_CheckpointContainerRequest, context: ServerContext) async throws -> Runtime_V1_CheckpointContainerResponse {
        throw RPCError(code: .unimplemented, message: "podctl-cri does not checkpoint containers (no CRIU), as containerd without CRIU")
    }
}
