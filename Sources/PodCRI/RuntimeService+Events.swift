import GRPCCore
import PodCRIProtocol

/// GetContainerEvents and the events the RPCs send (ContainerEvents). As containerd:
/// RunPodSandbox sends CREATED and STARTED with the sandbox's ID as the container ID,
/// StopPodSandbox STOPPED, RemovePodSandbox DELETED; CreateContainer CREATED,
/// StartContainer STARTED, a container's end STOPPED (whether StopContainer, the
/// sandbox's stop or its own exit ended it), RemoveContainer DELETED. Each event carries
/// the sandbox's status and the statuses of its containers as they are when it is sent
/// (none of a deleted sandbox).
extension RuntimeService {
    public func getContainerEvents(request: Runtime_V1_GetEventsRequest, response: RPCWriter<Runtime_V1_ContainerEventResponse>, context _: ServerContext) async throws {
        let events = context.events
        guard let listener = events.listen() else { throw RPCError(code: .unavailable, message: "podctl-cri is stopping: connect to it again once it has started") }
        defer { events.stopListening(listener.id) }
        let watch = ContainerEventWatch(service: self)
        events.startWatch { Task.detached { await watch.run() } }
        for await event in listener.events { try await response.write(event) }
    }

    func sendEvent(_ type: Runtime_V1_ContainerEventType, id: String, sandboxID: String) {
        context.events.send(type, id: id) {
            var event = Runtime_V1_ContainerEventResponse()
            event.containerID = id
            event.containerEventType = type
            event.createdAt = Self.nanosecondsNow()
            if let sandbox = context.sandboxes.find(sandboxID), sandbox.id == sandboxID {
                event.podSandboxStatus = SandboxView(record: sandbox, context: context).status()
            }
            event.containersStatuses = context.containers.all().filter { $0.sandboxID == sandboxID }.sorted { $0.createdAt < $1.createdAt }
                .map { ContainerView(record: $0, context: context).status() }
            return event
        }
    }

    /// STOPPED for a container that ran and is down now (once: ContainerEvents).
    func sendStoppedIfEnded(_ record: ContainerRecord) {
        let view = ContainerView(record: record, context: context)
        guard view.state.0 == .containerExited, view.startedAt != 0 else { return }
        sendEvent(.containerStoppedEvent, id: record.id, sandboxID: record.sandboxID)
    }

    /// StopPodSandbox and RemovePodSandbox: its containers' ends, then its own.
    func sendSandboxStopped(_ record: SandboxRecord) {
        for container in context.containers.all() where container.sandboxID == record.id { sendStoppedIfEnded(container) }
        sendEvent(.containerStoppedEvent, id: record.id, sandboxID: record.id)
    }
}

/// While anyone listens, the supervisors' status files are looked at every `interval`
/// (a stat each, StatusCache; the supervisor rewrites a pod's file when a container's
/// state changes): a container or sandbox last seen started that is down now sends
/// STOPPED. containerd learns of a task's exit from its shim's event instead; a
/// supervisor here has no channel to the daemon, which may be restarted at any time.
struct ContainerEventWatch: Sendable {
    static let interval: Duration = .milliseconds(200)
    let service: RuntimeService

    func run() async {
        seed()
        while !Task.isCancelled {
            check()
            try? await Task.sleep(for: Self.interval)
        }
    }

    /// What is running, created or down when the watch starts counts as sent.
    func seed() {
        let context = service.context
        for record in context.sandboxes.all() {
            context.events.seed(SandboxView(record: record, context: context).ready ? .containerStartedEvent : .containerStoppedEvent, id: record.id)
        }
        for record in context.containers.all() {
            let view = ContainerView(record: record, context: context)
            switch view.state.0 {
            case .containerRunning: context.events.seed(.containerStartedEvent, id: record.id)
            case .containerExited: context.events.seed(view.startedAt != 0 ? .containerStoppedEvent : .containerCreatedEvent, id: record.id)
            default: context.events.seed(.containerCreatedEvent, id: record.id)
            }
        }
    }

    func check() {
        let context = service.context
        for record in context.containers.all() where context.events.lastEvent(record.id) == .containerStartedEvent {
            service.sendStoppedIfEnded(record)
        }
        for record in context.sandboxes.all() where context.events.lastEvent(record.id) == .containerStartedEvent {
            if !SandboxView(record: record, context: context).ready { service.sendSandboxStopped(record) }
        }
    }
}
