import GRPCCore
import PodCRIProtocol

// The one RPC of RuntimeService podctl-cri does not serve, as containerd without CRIU:
// it answers Unimplemented, so a client learns the truth and not an empty answer
// (docs/cri.md, "What is served").
extension RuntimeService {
    /// As containerd without CRIU: checkpointing stays Unimplemented (issue #16).
    public func checkpointContainer(request: Runtime_V1_CheckpointContainerRequest, context: ServerContext) async throws -> Runtime_V1_CheckpointContainerResponse {
        throw RPCError(code: .unimplemented, message: "podctl-cri does not checkpoint containers (no CRIU), as containerd without CRIU")
    }
}
