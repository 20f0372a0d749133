import Foundation
import GRPCCore
import PodCore
import PodCRIProtocol
import PodRuntime

/// UpdateContainerResources, as containerd's (container_update_resources.go): the
/// container's new CPU and memory limits go into its cgroup while it runs, and into its
/// pod's cgroup sums (PodManager+ContainerResources.swift, Supervisor+Resources.swift),
/// cgroup v1 and v2 alike; ContainerStatus reports them from then on. The fields not
/// mapped at CreateContainer are not applied here either (docs/cri.md).
extension RuntimeService {
    public func updateContainerResources(request: Runtime_V1_UpdateContainerResourcesRequest, context _: ServerContext) async throws -> Runtime_V1_UpdateContainerResourcesResponse {
        var updated = try container(request.containerID)
        guard request.hasLinux else { throw RPCFailure.invalid("linux", "Linux resources are required: podctl runs Linux containers") }
        try ContainerResourcesMapping.check(request.linux, "linux")
        let requirements = try ContainerResourcesMapping.requirements(request.linux, "linux")
        updated.resources = try ContainerResourcesMapping.reported(request.linux).serializedBytes()
        let record = updated
        let context = self.context
        try await Blocking.run { () throws(PodError) in
            try PodManager(store: context.store).updateContainerResources(try record.key(), name: record.name, resources: requirements)
            try context.containers.add(record)
        }
        return Runtime_V1_UpdateContainerResourcesResponse()
    }
}
