// Standard library only (see ContainerLifecycle.swift).

import PodPlan

/// A graceful stop of the whole pod, as the kubelet orders it: every container but the
/// sidecars gets its stop (preStop, then the stop signal) at once; the sidecars follow
/// once those are gone, in reverse order, each once the later ones are gone (KEP-753;
/// the kubelet's terminationOrdering, kuberuntime_termination_order.go); whatever still
/// runs at the end of the grace period is killed; then the sandbox goes.
public struct PodStop: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        /// preStop (if any), then the stop signal, within `grace` seconds.
        case stop([Int], grace: Double)
        case kill([Int])
        /// Every container is down: pause goes (again, until it is reaped).
        case killSandbox
    }

    /// A preStop hook that took the whole grace period leaves the workload this long for
    /// its stop signal (the kubelet's minimumGracePeriodInSeconds).
    public static let minimumGrace: Double = 2
    /// How often pause is killed again until its exit is reaped.
    static let sandboxRetry: Double = 0.05

    public internal(set) var deadline: Double
    /// The sidecars whose stop has been sent.
    public internal(set) var sidecarsSignalled: Set<Int> = []
    public internal(set) var killed = false
    public internal(set) var finished = false

    init(deadline: Double) {
        self.deadline = deadline
    }

    /// A second request may only shorten the grace period.
    mutating func shorten(to grace: Double, now: Double) {
        deadline = min(deadline, now + grace)
    }

    /// A preStop hook returned: the stop signal goes now, with at least `minimumGrace` left.
    mutating func preStopFinished(now: Double) {
        if !killed && deadline - now < Self.minimumGrace { deadline = now + Self.minimumGrace }
    }

    /// What is due given which containers run and whether pause does.
    mutating func advance(_ containers: [ContainerLifecycle], sandboxUp: Bool, now: Double) -> [Action] {
        var actions: [Action] = []
        let running = containers.indices.filter { containers[$0].isRunning }
        // The last sidecar still running has its turn once no regular container and no
        // later sidecar runs (it waits for them, as terminationOrdering's prereqs).
        if !running.contains(where: { containers[$0].role != .sidecar }),
           let last = running.last(where: { containers[$0].role == .sidecar }), !sidecarsSignalled.contains(last) {
            sidecarsSignalled.insert(last)
            actions.append(.stop([last], grace: max(0, deadline - now)))
        }
        if now >= deadline && !killed {
            killed = true
            if !running.isEmpty { actions.append(.kill(running)) }
        }
        guard running.isEmpty else { return actions }
        if sandboxUp {
            actions.append(.killSandbox)
            deadline = min(deadline, now + Self.sandboxRetry)
        } else {
            finished = true
        }
        return actions
    }
}
