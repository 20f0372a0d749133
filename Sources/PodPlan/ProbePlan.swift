/// What a probe or a lifecycle hook does, resolved at apply: named ports are numbers,
/// defaults are filled in, the host of a network action is left nil for "the pod's IP".
public enum ActionPlan: Codable, Equatable, Sendable {
    /// Runs in the container like `podctl exec`, with its confinement.
    case exec(command: [String])
    /// `headers` as [name, value] pairs, in the manifest's order.
    case http(host: String?, port: Int, path: String, headers: [[String]])
    case tcp(host: String?, port: Int)
    /// The standard gRPC health service (grpc.health.v1.Health/Check) over h2c.
    case grpc(port: Int, service: String)
    /// preStop only: waits, then the stop signal follows.
    case sleep(seconds: Int64)

    /// How describe and events name it: `exec [cat /tmp/ready]`, `http-get http://:80/`.
    public var summary: String {
        switch self {
        case let .exec(command): return "exec \(command)"
        case let .http(host, port, path, _): return "http-get http://\(host ?? ""):\(port)\(path)"
        case let .tcp(host, port): return "tcp-socket \(host ?? ""):\(port)"
        case let .grpc(port, service): return "grpc <pod>:\(port) \(service)"
        case let .sleep(seconds): return "sleep \(seconds)s"
        }
    }
}

/// A probe with Kubernetes' defaults applied (periodSeconds 10, timeoutSeconds 1,
/// successThreshold 1, failureThreshold 3).
public struct ProbePlan: Codable, Equatable, Sendable {
    public var action: ActionPlan
    public var initialDelay: Double
    public var period: Double
    public var timeout: Double
    public var successThreshold: Int
    public var failureThreshold: Int
    /// The probe's own terminationGracePeriodSeconds, for the kill after a failure.
    public var terminationGrace: Int64?

    // Public: the planner (PodRuntime) fills what the supervisor (PodSupervisor) reads.
    public init(action: ActionPlan, initialDelay: Double, period: Double, timeout: Double, successThreshold: Int, failureThreshold: Int, terminationGrace: Int64? = nil) {
        self.action = action
        self.initialDelay = initialDelay
        self.period = period
        self.timeout = timeout
        self.successThreshold = successThreshold
        self.failureThreshold = failureThreshold
        self.terminationGrace = terminationGrace
    }
}

/// The three probes of the kubelet.
public enum ProbeKind: String, Codable, Sendable, CaseIterable {
    case startup = "Startup"
    case liveness = "Liveness"
    case readiness = "Readiness"
}

public struct ContainerHealthPlan: Codable, Equatable, Sendable {
    public var startup: ProbePlan?
    public var liveness: ProbePlan?
    public var readiness: ProbePlan?
    public var postStart: ActionPlan?
    public var preStop: ActionPlan?

    public init() {}

    public func probe(_ kind: ProbeKind) -> ProbePlan? {
        switch kind {
        case .startup: return startup
        case .liveness: return liveness
        case .readiness: return readiness
        }
    }
}
