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
    public var initContainers: [ContainerStatusRecord] = []
    public var containers: [ContainerStatusRecord] = []

    public init() {}
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
