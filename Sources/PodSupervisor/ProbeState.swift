// Standard library only (see ContainerLifecycle.swift).

import PodPlan

/// One probe of a running container as the kubelet's prober worker keeps it: when it runs
/// next, and how its results stand against the thresholds. Results count consecutively: a
/// success resets the failures and a failure the successes, and the result only flips when
/// successThreshold or failureThreshold is reached (pkg/kubelet/prober/worker.go).
struct ProbeState: Equatable {
    let plan: ProbePlan
    var nextAt: Double?
    var successes = 0
    var failures = 0
    /// nil until a threshold is reached.
    var result: Bool?
    var running = false

    init(plan: ProbePlan) {
        self.plan = plan
    }

    /// The first run: initialDelaySeconds after the container started, and not in the past.
    mutating func schedule(containerStartedAt: Double, now: Double) {
        nextAt = max(now, containerStartedAt + plan.initialDelay)
    }

    func isDue(now: Double) -> Bool {
        guard let nextAt, !running else { return false }
        return nextAt <= now
    }

    /// A run begins; the next is periodSeconds later (one at a time per probe).
    mutating func launched(now: Double) {
        running = true
        nextAt = now + plan.period
    }

    /// Counts a run's result; returns the result once a threshold is reached.
    mutating func record(success: Bool) -> Bool? {
        running = false
        if success {
            failures = 0
            successes += 1
            if successes >= plan.successThreshold { result = true }
        } else {
            successes = 0
            failures += 1
            if failures >= plan.failureThreshold { result = false }
        }
        return result
    }
}

/// What a probe's result means for its container: startup gates liveness and readiness,
/// a startup or liveness probe at its failure threshold has the container restarted,
/// readiness decides `ready` (Configure Liveness, Readiness and Startup Probes).
enum ProbeConsequence: Equatable {
    case none
    case startupPassed
    case restart(cause: String)
    case readinessChanged

    /// Only the startup probe runs until the container has started, and only the others after.
    static func runs(_ kind: ProbeKind, started: Bool) -> Bool {
        (kind == .startup) != started
    }

    static func of(_ kind: ProbeKind, result: Bool?, started: Bool) -> ProbeConsequence {
        switch (kind, result) {
        case (.startup, true?): return started ? .none : .startupPassed
        case (.startup, false?): return .restart(cause: "failed startup probe")
        case (.liveness, false?): return .restart(cause: "failed liveness probe")
        case (.readiness, _): return .readinessChanged
        default: return .none
        }
    }
}
