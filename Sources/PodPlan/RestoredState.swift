/// What a supervisor started by `restore` takes over from the pod's previous run
/// (RunPlan.restored): restart counts and last states by container name, and events.
public struct RestoredState: Codable, Equatable, Sendable {
    public var containers: [String: RestoredContainer]
    public var events: [EventRecord]

    public init(containers: [String: RestoredContainer], events: [EventRecord]) {
        self.containers = containers
        self.events = events
    }
}

public struct RestoredContainer: Codable, Equatable, Sendable {
    public var restartCount: Int
    public var lastState: ContainerStatusRecord.State?

    public init(restartCount: Int, lastState: ContainerStatusRecord.State?) {
        self.restartCount = restartCount
        self.lastState = lastState
    }
}
