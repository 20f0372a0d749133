// Standard library only: the lifecycle decides, the Supervisor executes (docs/runtime.md,
// "The lifecycle machine"); issue #15 wants the supervisor Foundation-free in the end.

import PodPlan

/// A moment as the lifecycle sees it: the monotonic clock for deadlines and back-off, the
/// wall clock (seconds since the epoch) for the times status reports. Injected with every
/// event, so tests drive the machine with a fake clock.
public struct LifecycleTime: Equatable, Sendable {
    public var monotonic: Double
    public var wall: Int64

    public init(monotonic: Double, wall: Int64) {
        self.monotonic = monotonic
        self.wall = wall
    }
}

/// The pod's `restartPolicy`.
public enum RestartPolicy: String, Equatable, Sendable {
    case always = "Always"
    case onFailure = "OnFailure"
    case never = "Never"
}

/// Who decides restarts. Under `.policy` the supervisor restarts as the kubelet would;
/// under `.never` (the CRI endpoint) the kubelet decides, so nothing restarts on its own,
/// and every exit is reported with its code, reason and times.
public enum RestartMode: Equatable, Sendable {
    case policy(RestartPolicy)
    case never
}

/// Where a container sits in the pod: it decides ordering and the restart rule.
public enum ContainerRole: Equatable, Sendable {
    case initContainer
    /// An init container with `restartPolicy: Always` (KEP-753).
    case sidecar
    case regular
}

/// How a container instance ended, as status reports it.
public struct Termination: Equatable, Sendable {
    public var exitCode: Int32
    /// The signal that killed it (exit code 128+N), if any.
    public var signal: Int32?
    /// `OOMKilled`, `Completed` or `Error`; a start failure keeps its own (`StartError`).
    public var reason: String
    /// Wall-clock seconds; nil when it never ran.
    public var startedAt: Int64?
    public var finishedAt: Int64

    /// containerd's rule: an OOM kill in the container's cgroup names the exit, whatever the code.
    public static func reason(exitCode: Int32, oomKilled: Bool) -> String {
        oomKilled ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error"
    }
}

/// One container's life: waiting to be started, starting, in postStart, running, in
/// back-off, or down for good; whether it is started, ready, asked to stop. It owns the
/// restart rule and the back-off; the pod machine (PodLifecycle) owns ordering, phase and
/// the pod's stop.
public struct ContainerLifecycle: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        /// Not asked to start yet.
        case waiting
        /// A start was asked for; the process is not reported yet.
        case starting
        /// The process runs and its postStart hook has not returned: not Running yet.
        case postStart(since: LifecycleTime)
        case running(since: LifecycleTime)
        /// Down; starts again at `until` (monotonic).
        case backOff(until: Double)
        /// Down, and stays down: the restart policy or mode says so.
        case terminated(Termination)
    }

    public let name: String
    public let role: ContainerRole
    public internal(set) var state: State = .waiting
    /// Its startup probe passed (or it has none) and postStart returned.
    public internal(set) var started = false
    public internal(set) var backoff = Backoff()
    /// Restarts made, as the kubelet counts them: not the one waiting in back-off.
    public internal(set) var restartCount = 0
    /// The last instance's end, kept while the next one waits or runs.
    public internal(set) var lastTermination: Termination?
    var attempted = false
    /// A new spec waits: the next exit restarts at once with a fresh back-off.
    var replacing = false
    /// The readiness probe's standing: nil when the container has none, else its result
    /// (nil inside: no threshold reached yet).
    var readiness: Bool??
    /// A stop was asked for (its own or the pod's): it is no longer ready.
    var stopAsked = false
    /// When this container's own stop (a failed probe or hook, a new spec) turns into
    /// SIGKILL; a pod stop has its own deadline (PodStop).
    public internal(set) var killAt: Double?

    public init(name: String, role: ContainerRole) {
        self.name = name
        self.role = role
    }

    /// The process runs (its postStart hook may still be running).
    public var isRunning: Bool { runningSince != nil }

    /// When the running instance started.
    public var runningSince: LifecycleTime? {
        switch state {
        case let .postStart(since), let .running(since): return since
        default: return nil
        }
    }

    /// `ready` as the kubelet reports it: running, started, not being stopped, and its
    /// readiness probe (if it has one) at success; ContainersReady and Ready follow it.
    public var ready: Bool {
        isRunning && started && !stopAsked && (readiness.map { $0 == true } ?? true)
    }

    public var restartAt: Double? {
        if case let .backOff(until) = state { return until }
        return nil
    }

    /// Whether an exit with `exitCode` restarts: sidecars always; init containers on
    /// failure unless the policy is Never; regular containers by the policy
    /// (computePodActions in pkg/kubelet/kuberuntime/kuberuntime_manager.go; KEP-753).
    public func restarts(exitCode: Int32, mode: RestartMode) -> Bool {
        guard case let .policy(policy) = mode else { return false }
        switch role {
        case .sidecar: return true
        case .initContainer: return exitCode != 0 && policy != .never
        case .regular: return policy == .always || (policy == .onFailure && exitCode != 0)
        }
    }

    /// A pod started by `podctl restore`: the count goes on from the instance lost to the
    /// reboot, and the first start here is not a restart of this supervisor's (restore has
    /// counted it already, as the kubelet counts a sandbox recreation).
    mutating func carryOver(restartCount: Int) {
        self.restartCount = restartCount
    }

    /// A start is made: a second one is a restart.
    mutating func launching() {
        if attempted { restartCount += 1 }
        attempted = true
        state = .starting
    }

    mutating func began(at now: LifecycleTime, postStart: Bool) {
        state = postStart ? .postStart(since: now) : .running(since: now)
        started = false
        stopAsked = false
        readiness = nil
    }

    /// How the running instance ended, from its exit code (128+N: killed by signal N).
    func termination(exitCode: Int32, oomKilled: Bool, now: LifecycleTime) -> Termination {
        let signal: Int32? = exitCode > 128 ? exitCode - 128 : nil
        let reason = Termination.reason(exitCode: exitCode, oomKilled: oomKilled)
        return Termination(exitCode: exitCode, signal: signal, reason: reason, startedAt: runningSince?.wall, finishedAt: now.wall)
    }

    /// A stop is asked for: no longer ready; SIGKILL at `killAt` if it is its own stop.
    mutating func askStop(killAt deadline: Double?) {
        stopAsked = true
        if isRunning, let deadline { killAt = deadline }
    }

    /// The readiness probe reached a threshold (or not yet: nil).
    mutating func readinessStands(at result: Bool?) {
        if readiness != nil { readiness = .some(result) }
    }

    /// The instance ended: records how, and returns the restart delay (nil: stays down).
    mutating func ended(_ end: Termination, mode: RestartMode, podStopping: Bool, now: LifecycleTime) -> Double? {
        let ranFor = runningSince.map { now.monotonic - $0.monotonic } ?? 0
        lastTermination = end
        started = false
        killAt = nil
        if replacing {
            replacing = false
            backoff = Backoff()
            state = .backOff(until: now.monotonic)
            return 0
        }
        guard !podStopping, restarts(exitCode: end.exitCode, mode: mode) else {
            state = .terminated(end)
            return nil
        }
        let delay = backoff.delay(afterRunning: ranFor)
        state = .backOff(until: now.monotonic + delay)
        return delay
    }

    /// A new spec: restart at once when down, or at the next exit when running.
    mutating func replace(now: LifecycleTime) {
        backoff = Backoff()
        if isRunning { replacing = true } else { state = .backOff(until: now.monotonic) }
    }
}
