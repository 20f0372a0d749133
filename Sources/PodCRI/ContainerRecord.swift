import Foundation
import PodCore
import PodCRIProtocol
import PodRuntime
import PodStore

/// What the CRI endpoint keeps of a container (`<root>/cri/containers/ID.json`, atomic,
/// 0600): its ID, its sandbox, its name in the sandbox's pod, when it was created, the
/// kubelet's log file and the config as sent (labels, annotations, image, mounts), which
/// ContainerStatus and ListContainers read back.
struct ContainerRecord: CRIRecord {
    var id: String
    var sandboxID: String
    var namespace: String
    var podName: String
    /// The container's name in the pod (SandboxConfigMapping.podName of its metadata name).
    var name: String
    /// Nanoseconds since the epoch.
    var createdAt: Int64
    var logPath: String?
    /// The image's ID (`sha256:…`), as ContainerStatus's image_ref: known from the create
    /// on, before the supervisor's status lists the container.
    var imageRef: String
    /// The `ContainerConfig` of CreateContainer, in the protobuf wire format.
    var config: Data
    /// The `LinuxContainerResources` of the last UpdateContainerResources, in the wire
    /// format; nil: those of the config.
    var resources: Data?
    /// The identity its process runs as, as the planner resolved it at the create
    /// (ContainerStatus's `user`); nil for a record of a daemon before it was kept.
    var user: ContainerIdentity?

    func key() throws(PodError) -> PodKey { try PodKey(namespace: namespace, name: podName) }

    /// The resources ContainerStatus reports (ContainerResourcesMapping.reported).
    func currentResources() -> Runtime_V1_LinuxContainerResources {
        if let resources, let decoded = try? Runtime_V1_LinuxContainerResources(serializedBytes: resources) { return decoded }
        return ContainerResourcesMapping.reported(decodedConfig().linux.resources)
    }

    func decodedConfig() -> Runtime_V1_ContainerConfig {
        (try? Runtime_V1_ContainerConfig(serializedBytes: config)) ?? Runtime_V1_ContainerConfig()
    }
}
