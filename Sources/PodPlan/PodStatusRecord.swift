/// What the supervisor knows of a running pod, written atomically to the pod's
/// `status.json` at every change, so `podctl get` reads it while the supervisor is busy.
/// Times are RFC 3339 strings, as in the Kubernetes API.
public struct PodStatusRecord: Codable, Equatable, Sendable {
    public var phase: String = "Pending"
    public var reason: String?
    public var message: String?
    public var startTime: String?
    public var supervisorPID: Int32 = 0
    public var pausePID: Int32 = 0
    public var podIP: String?
    public var sandboxReady = false
    public var initDone = false
    /// Set when the supervisor has stopped everything and is about to exit.
    public var stopped = false
    /// The pod ended on its own (completion, activeDeadlineSeconds): its phase is final,
    /// nothing starts it again (neither apply unchanged nor restore). Nil for older records.
    public var completed: Bool?
    public var initContainers: [ContainerStatusRecord] = []
    public var containers: [ContainerStatusRecord] = []
    /// The pod's events, oldest first, at most `EventRecord.limit` (describe shows them).
    public var events: [EventRecord] = []

    public init() {}

    /// Records an event as the kubelet's recorder does: a repeat of the last event with the
    /// same reason, object and message counts up instead of adding a line.
    public mutating func record(_ type: EventRecord.Kind, _ reason: String, _ message: String, object: String? = nil) {
        let now = Clock.rfc3339()
        if let index = events.lastIndex(where: { $0.reason == reason && $0.message == message && $0.object == object }) {
            events[index].count += 1
            events[index].lastTimestamp = now
            return
        }
        events.append(EventRecord(type: type, reason: reason, message: message, object: object, count: 1, firstTimestamp: now, lastTimestamp: now))
        if events.count > EventRecord.limit { events.removeFirst(events.count - EventRecord.limit) }
    }
}

/// A Kubernetes-style event of the pod: `Normal Started Started container web`.
public struct EventRecord: Codable, Equatable, Sendable {
    public static let limit = 100

    public enum Kind: String, Codable, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    public var type: Kind
    public var reason: String
    public var message: String
    /// The field path of the container it is about (`spec.containers{web}`), if any.
    public var object: String?
    public var count: Int
    public var firstTimestamp: String
    public var lastTimestamp: String

    // Public: the planner (PodRuntime) fills what the supervisor (PodSupervisor) reads.
    public init(type: Kind, reason: String, message: String, object: String? = nil, count: Int, firstTimestamp: String, lastTimestamp: String) {
        self.type = type
        self.reason = reason
        self.message = message
        self.object = object
        self.count = count
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
    }
}

public struct ContainerStatusRecord: Codable, Equatable, Sendable {
    public var name: String
    public var image: String
    public var imageID: String
    public var state: State = .waiting(reason: "ContainerCreating", message: nil)
    public var lastState: State?
    public var restartCount = 0
    public var ready = false
    public var started = false
    /// The container's init process on the host, while it runs.
    public var pid: Int32?

    public init(name: String, image: String, imageID: String) {
        self.name = name
        self.image = image
        self.imageID = imageID
    }

    public enum State: Codable, Equatable, Sendable {
        case waiting(reason: String, message: String?)
        case running(startedAt: String)
        case terminated(exitCode: Int32, signal: Int32?, reason: String, message: String?, startedAt: String?, finishedAt: String)
    }
}
