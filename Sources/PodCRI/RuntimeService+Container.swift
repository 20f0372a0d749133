import Foundation
import GRPCCore
import PodCore
import PodCRIProtocol
import PodRuntime
import PodSecurity
import PodStore

/// The container RPCs: a container joins its sandbox's pod (D62,
/// PodManager+SandboxContainers.swift) and the supervisor runs it in the never-restart
/// mode; its record is in the state store (ContainerRecord). containerd's semantics
/// (pkg/cri/server/container_*.go): stopping or removing an unknown container succeeds,
/// the status of one is NotFound, and StopContainer returns once the container is down.
extension RuntimeService {
    public func createContainer(request: Runtime_V1_CreateContainerRequest, context _: ServerContext) async throws -> Runtime_V1_CreateContainerResponse {
        guard request.hasConfig else { throw RPCFailure.invalid("config", "the container config is required") }
        guard let sandbox = context.sandboxes.find(request.podSandboxID) else {
            throw RPCError(code: .notFound, message: "pod_sandbox_id: no sandbox \(SandboxConfigMapping.quoted(request.podSandboxID))")
        }
        let config = request.config
        if let other = context.containers.all().first(where: { $0.sandboxID == sandbox.id && $0.decodedConfig().metadata == config.metadata }) {
            throw RPCError(code: .alreadyExists, message: "config.metadata: container \(other.id) of this sandbox already has name \(SandboxConfigMapping.quoted(config.metadata.name)) and attempt \(config.metadata.attempt); remove it first")
        }
        let id = SandboxRecord.newID()
        let name = SandboxConfigMapping.podName(config.metadata.name, id: id)
        let mapping = try ContainerConfigMapping(config, name: name, logDirectory: sandbox.decodedConfig().logDirectory,
                                                 seccompDirectory: LocalhostProfile.directory(root: context.store.roots.root))
        let created = Self.nanosecondsNow()
        let configBytes: Data = try config.serializedBytes()
        let context = self.context
        try await Blocking.run { () throws(PodError) in
            // The image must be in the store (the kubelet pulls first), as containerd's
            // "failed to resolve image" says.
            let image = try context.images.resolve(config.image.image).image.record.id.description
            var record = ContainerRecord(id: id, sandboxID: sandbox.id, namespace: sandbox.namespace, podName: sandbox.name, name: name,
                                         createdAt: created, logPath: mapping.options.logPath, imageRef: image, config: configBytes)
            do throws(PodError) {
                // The record, with the user the planner resolved, is written once, before
                // the pod changes: a daemon killed mid-create leaves a container the kubelet
                // can still see and remove, never one in the pod that no record names.
                try PodManager(store: context.store).addContainer(try sandbox.key(), container: mapping.container, volumes: mapping.volumes,
                                                                  options: mapping.options) { user throws(PodError) in
                    record.user = user
                    try context.containers.add(record)
                }
            } catch {
                try? context.containers.remove(id)
                throw error
            }
        }
        sendEvent(.containerCreatedEvent, id: id, sandboxID: sandbox.id)
        var response = Runtime_V1_CreateContainerResponse()
        response.containerID = id
        return response
    }

    public func startContainer(request: Runtime_V1_StartContainerRequest, context _: ServerContext) async throws -> Runtime_V1_StartContainerResponse {
        let record = try container(request.containerID)
        try await onContainer(record) { manager, key, name throws(PodError) in try manager.startContainer(key, name: name) }
        sendEvent(.containerStartedEvent, id: record.id, sandboxID: record.sandboxID)
        return Runtime_V1_StartContainerResponse()
    }

    /// `timeout`: the grace period in seconds; then SIGKILL. Returns once it is down.
    public func stopContainer(request: Runtime_V1_StopContainerRequest, context _: ServerContext) async throws -> Runtime_V1_StopContainerResponse {
        guard let record = context.containers.find(request.containerID) else { return Runtime_V1_StopContainerResponse() }
        let grace = Double(max(0, request.timeout))
        try await onContainer(record) { manager, key, name throws(PodError) in try manager.stopContainer(key, name: name, grace: grace) }
        sendStoppedIfEnded(record)
        return Runtime_V1_StopContainerResponse()
    }

    public func removeContainer(request: Runtime_V1_RemoveContainerRequest, context _: ServerContext) async throws -> Runtime_V1_RemoveContainerResponse {
        guard let record = context.containers.find(request.containerID) else { return Runtime_V1_RemoveContainerResponse() }
        let context = self.context
        try await Blocking.run { () throws(PodError) in
            try PodManager(store: context.store).removeContainer(try record.key(), name: record.name)
        }
        sendStoppedIfEnded(record)
        try await Blocking.run { () throws(PodError) in try context.containers.remove(record.id) }
        sendEvent(.containerDeletedEvent, id: record.id, sandboxID: record.sandboxID)
        return Runtime_V1_RemoveContainerResponse()
    }

    /// The kubelet renamed the log file (its rotation); a container that is not running
    /// has no log to reopen: an error, as in containerd.
    public func reopenContainerLog(request: Runtime_V1_ReopenContainerLogRequest, context _: ServerContext) async throws -> Runtime_V1_ReopenContainerLogResponse {
        try await onContainer(try container(request.containerID)) { manager, key, name throws(PodError) in try manager.reopenContainerLog(key, name: name) }
        return Runtime_V1_ReopenContainerLogResponse()
    }

    public func listContainers(request: Runtime_V1_ListContainersRequest, context _: ServerContext) async throws -> Runtime_V1_ListContainersResponse {
        let filter = request.filter
        let records = request.hasFilter ? containerRecords(id: filter.id, podSandboxID: filter.podSandboxID) : context.containers.all()
        var response = Runtime_V1_ListContainersResponse()
        for record in records {
            let container = ContainerView(record: record, context: context).listed()
            if request.hasFilter && filter.hasState && container.state != filter.state.state { continue }
            if request.hasFilter && !CRIListFilter.labels(container.labels, match: filter.labelSelector) { continue }
            response.containers.append(container)
        }
        response.containers.sort { $0.createdAt < $1.createdAt }
        return response
    }

    public func containerStatus(request: Runtime_V1_ContainerStatusRequest, context _: ServerContext) async throws -> Runtime_V1_ContainerStatusResponse {
        let view = ContainerView(record: try container(request.containerID), context: context)
        var response = Runtime_V1_ContainerStatusResponse()
        response.status = view.status()
        if request.verbose { response.info = ["info": view.verboseInfo()] }
        return response
    }

    /// Runs `action` on the container's pod off the cooperative pool (it waits on locks
    /// and the supervisor's socket).
    func onContainer(_ record: ContainerRecord, _ action: @escaping @Sendable (PodManager, PodKey, String) throws(PodError) -> Void) async throws {
        let store = context.store
        try await Blocking.run { () throws(PodError) in try action(PodManager(store: store), try record.key(), record.name) }
    }

    /// The records a list filter's `id` and `pod_sandbox_id` (each a unique prefix too)
    /// leave; empty ones filter nothing.
    func containerRecords(id: String, podSandboxID: String) -> [ContainerRecord] {
        var records = id.isEmpty ? context.containers.all() : context.containers.find(id).map { [$0] } ?? []
        if !podSandboxID.isEmpty {
            let sandbox = context.sandboxes.find(podSandboxID)?.id
            records = records.filter { $0.sandboxID == sandbox }
        }
        return records
    }

    func container(_ id: String) throws(RPCError) -> ContainerRecord {
        guard let record = context.containers.find(id) else {
            throw RPCError(code: .notFound, message: "container_id: no container \(SandboxConfigMapping.quoted(id))")
        }
        return record
    }
}
