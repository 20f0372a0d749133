// Standard library only (see ContainerLifecycle.swift).

import PodPlan

/// The pod's phase, as the kubelet's `getPhase` computes it.
public enum PodPhase: String, Equatable, Sendable {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
}

/// The pod's life as a state machine: events in, actions out, no processes and no clock
/// of its own. It decides restarts (policy × exit code, back-off), the order of init
/// containers, sidecars and regular containers, the phase, when a container is Running
/// (postStart) and ready, and the stops (preStop, grace, SIGKILL); the Supervisor executes
/// the actions (fork/exec through pod-helper, status writes, events) and feeds back what
/// happened. `containers` lists init containers first, in order, then regular ones; the
/// indices are the Supervisor's.
public struct PodLifecycle: Equatable, Sendable {
    public enum Event: Equatable, Sendable {
        /// The pod starts (status.startTime): `activeDeadlineSeconds` counts from here.
        case podStarted
        /// pause runs and the network is attached: the first containers may start.
        case sandboxReady
        /// The executor is starting container `index` (every start, the first and restarts).
        case launching(Int)
        /// The process runs; with a postStart hook it is not Running until the hook returns.
        case started(Int, hasPostStart: Bool)
        /// The postStart hook returned; `failure` is its output when it failed.
        case postStartFinished(Int, failure: String?)
        /// The container could not start; `exitCode` 128 for a StartError, nil when it was never created.
        case startFailed(Int, exitCode: Int32?, reason: String)
        /// Startup probe passed (or none) and postStart returned.
        case startupSucceeded(Int)
        case exited(Int, exitCode: Int32, oomKilled: Bool)
        /// The clock reached `nextDeadline`.
        case timerFired
        /// `apply` changed container `index`'s spec.
        case replaced(Int)
        /// Stop the pod within `grace` seconds (a second request may only shorten it).
        case stopRequested(grace: Double)
        /// Container `index` is asked to stop on its own (a failed probe or hook, a new
        /// spec) within `grace` seconds.
        case stopRequestedForContainer(Int, grace: Double, hasPreStop: Bool)
        /// Container `index`'s probes begin; `hasReadinessProbe` says whether `ready` waits for one.
        case probesBegan(Int, hasReadinessProbe: Bool)
        /// Container `index`'s readiness probe stands at `result` (nil: no threshold reached).
        case readinessResult(Int, Bool?)
        /// Container `index`'s preStop hook returned.
        case preStopFinished(Int)
        /// pause exited (reaped).
        case sandboxExited
        /// A container joins the running sandbox (CRI CreateContainer): appended at the end.
        case added(name: String)
        /// A container that is down leaves the sandbox (CRI RemoveContainer).
        case removed(Int)
    }

    public enum Action: Equatable, Sendable {
        /// Start these containers, side by side.
        case start([Int])
        case runPostStart(Int)
        /// Container `index` is Running: its probes begin.
        case running(Int)
        /// The postStart hook failed: the container is stopped, and the restart policy decides.
        case postStartFailed(Int, message: String)
        /// Run container `index`'s preStop hook, within `timeout` seconds (the grace period).
        case runPreStop(Int, timeout: Double)
        /// Send container `index` its stop signal.
        case sendStopSignal(Int)
        /// Container `index` starts again after `delay` seconds (0: at once); the executor
        /// reports CrashLoopBackOff when the delay is not 0.
        case restartScheduled(Int, delay: Double)
        /// Container `index` stays down with this end.
        case stayDown(Int, Termination)
        /// Forget container `index` (the indices after it move down by one).
        case forget(Int)
        /// A step of the pod's stop (PodStop.swift).
        case stop(PodStop.Action)
    }

    public let mode: RestartMode
    public internal(set) var containers: [ContainerLifecycle]
    public internal(set) var initDone = false
    public internal(set) var phase = PodPhase.pending
    public internal(set) var stop: PodStop?
    public internal(set) var sandboxReady = false
    /// Set when the pod ends for a reason of its own (DeadlineExceeded), with its message.
    public internal(set) var reason: String?
    public internal(set) var message: String?
    /// The pod ended on its own (PodLifecycle+Completion.swift): terminal for good.
    public internal(set) var completed = false
    /// The first init container not yet done (a sidecar is done once started).
    var nextInit = 0
    /// The grace period of a stop the pod makes itself (completion, deadline): its
    /// terminationGracePeriodSeconds.
    let terminationGrace: Double
    let activeDeadlineSeconds: Double?
    var startedAt: Double?

    public init(containers: [ContainerLifecycle], mode: RestartMode, terminationGrace: Double = 30, activeDeadlineSeconds: Double? = nil) {
        self.containers = containers
        self.mode = mode
        self.terminationGrace = terminationGrace
        self.activeDeadlineSeconds = activeDeadlineSeconds
    }

    var initCount: Int { containers.count { $0.role != .regular } }

    public var stopping: Bool { stop != nil }
    public var stopFinished: Bool { stop?.finished ?? false }

    /// The earliest back-off end or stop deadline: the executor fires `.timerFired` then.
    public var nextDeadline: Double? {
        var deadlines = containers.compactMap(\.killAt)
        if let stop {
            if !stop.finished { deadlines.append(stop.deadline) }
        } else {
            deadlines += containers.compactMap(\.restartAt)
            if let activeDeadline { deadlines.append(activeDeadline) }
        }
        return deadlines.min()
    }

    public mutating func handle(_ event: Event, now: LifecycleTime) -> [Action] {
        var actions: [Action]
        switch event {
        case .podStarted: startedAt = startedAt ?? now.monotonic; actions = []
        case .sandboxReady:
            sandboxReady = true
            actions = advance()
        case let .launching(index): containers[index].launching(); actions = []
        case let .started(index, hasPostStart):
            containers[index].began(at: now, postStart: hasPostStart)
            actions = [hasPostStart ? .runPostStart(index) : .running(index)]
        case let .postStartFinished(index, failure): actions = postStartFinished(index, failure: failure)
        case let .startupSucceeded(index):
            containers[index].started = true
            actions = containers[index].role == .regular ? [] : advance()
        case let .startFailed(index, exitCode, reason):
            let end = Termination(exitCode: exitCode ?? 1, signal: nil, reason: reason, startedAt: nil, finishedAt: now.wall)
            actions = ended(index, end, now: now)
        case let .exited(index, exitCode, oomKilled):
            actions = ended(index, containers[index].termination(exitCode: exitCode, oomKilled: oomKilled, now: now), now: now)
        case .timerFired: actions = deadlineIfDue(now: now) + killsDue(now: now) + restartsDue(now: now)
        case let .replaced(index): containers[index].replace(now: now); actions = []
        case let .stopRequested(grace): actions = requestStop(grace: grace, now: now)
        case let .stopRequestedForContainer(index, grace, hasPreStop):
            // Within a pod stop, the pod's deadline rules.
            containers[index].askStop(killAt: stopping ? nil : now.monotonic + grace)
            actions = [hasPreStop ? .runPreStop(index, timeout: max(0, grace)) : .sendStopSignal(index)]
        case let .probesBegan(index, hasReadinessProbe):
            containers[index].readiness = hasReadinessProbe ? .some(nil) : nil
            actions = []
        case let .readinessResult(index, result): containers[index].readinessStands(at: result); actions = []
        case let .preStopFinished(index): actions = preStopFinished(index, now: now)
        case .sandboxExited: sandboxReady = false; actions = []
        case let .added(name): actions = add(name: name)
        case let .removed(index): actions = remove(index)
        }
        updatePhase()
        actions += completeIfDone(now: now)
        return actions + advanceStop(now: now)
    }

    private mutating func ended(_ index: Int, _ end: Termination, now: LifecycleTime) -> [Action] {
        guard let delay = containers[index].ended(end, mode: mode, podStopping: stopping, now: now) else {
            // A stopping pod's exits are expected: nothing follows them.
            if stopping { return [] }
            var actions: [Action] = [.stayDown(index, end)]
            if containers[index].role == .initContainer && end.exitCode == 0 { actions += advance() }
            return actions
        }
        return [.restartScheduled(index, delay: delay)]
    }

    /// Container Lifecycle Hooks: the container is Running once postStart returns; a
    /// failed hook has it stopped (PostStartHookError), and the restart policy decides.
    private mutating func postStartFinished(_ index: Int, failure: String?) -> [Action] {
        guard case let .postStart(since) = containers[index].state else { return [] }
        if let failure { return [.postStartFailed(index, message: "PostStartHook failed: \(failure)")] }
        containers[index].state = .running(since: since)
        return [.running(index)]
    }

    /// A container whose own stop outlasted its grace period is killed.
    private mutating func killsDue(now: LifecycleTime) -> [Action] {
        let due = containers.indices.filter { (containers[$0].killAt ?? .infinity) <= now.monotonic }
        for index in due { containers[index].killAt = nil }
        return due.isEmpty ? [] : [.stop(.kill(due))]
    }

    /// preStop returned (or failed: it is reported, and the stop goes on): the stop signal
    /// follows. A hook that took the whole grace period leaves the workload 2 s for it, as
    /// the kubelet grants (minimumGracePeriodInSeconds).
    private mutating func preStopFinished(_ index: Int, now: LifecycleTime) -> [Action] {
        if stop != nil {
            stop?.preStopFinished(now: now.monotonic)
        } else if let killAt = containers[index].killAt, killAt - now.monotonic < PodStop.minimumGrace {
            containers[index].killAt = now.monotonic + PodStop.minimumGrace
        }
        return containers[index].isRunning ? [.sendStopSignal(index)] : []
    }

    private mutating func restartsDue(now: LifecycleTime) -> [Action] {
        guard !stopping else { return [] }
        let due = containers.indices.filter { (containers[$0].restartAt ?? .infinity) <= now.monotonic }
        for index in due { containers[index].state = .starting }
        return due.isEmpty ? [] : [.start(due)]
    }

    mutating func requestStop(grace: Double, now: LifecycleTime) -> [Action] {
        if stop != nil {
            stop?.shorten(to: grace, now: now.monotonic)
            return []
        }
        stop = PodStop(deadline: now.monotonic + grace)
        // Nothing waiting in back-off comes back while the pod stops.
        for index in containers.indices where containers[index].restartAt != nil {
            if let last = containers[index].lastTermination { containers[index].state = .terminated(last) } else { containers[index].state = .waiting }
        }
        let first = containers.indices.filter { containers[$0].isRunning && containers[$0].role != .sidecar }
        return first.isEmpty ? [] : [.stop(.stop(first, grace: grace))]
    }

    /// The stop's next steps; when it is over, a pod stopped on request ends Succeeded
    /// unless it had already failed or succeeded.
    private mutating func advanceStop(now: LifecycleTime) -> [Action] {
        guard var current = stop, !current.finished else { return [] }
        let steps = current.advance(containers, sandboxUp: sandboxReady, now: now.monotonic)
        stop = current
        if current.finished && (phase == .running || phase == .pending) { phase = .succeeded }
        return steps.map { .stop($0) }
    }
}
