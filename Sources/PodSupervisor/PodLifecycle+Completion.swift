// Standard library only (see ContainerLifecycle.swift).

import PodPlan

/// How a pod ends on its own: completion, once every regular container has terminated
/// and none will restart, and `activeDeadlineSeconds`. Both end with the pod's stop
/// (PodStop): what still runs (the sidecars, at completion) gets its preStop and stop
/// signal, the sidecars in reverse order, then the sandbox goes.
extension PodLifecycle {
    /// The message the kubelet's activeDeadlineHandler gives a pod past its deadline.
    public static let deadlineMessage = "Pod was active on the node longer than the specified deadline"

    /// When `activeDeadlineSeconds` runs out (monotonic): counted from the pod's start,
    /// as the kubelet counts it from status.startTime (pkg/kubelet/active_deadline.go).
    var activeDeadline: Double? {
        guard let startedAt, let activeDeadlineSeconds else { return nil }
        return startedAt + activeDeadlineSeconds
    }

    /// The pod reached a terminal phase under a policy that restarts nothing more: the
    /// kubelet's computePodActions kills the pod once every regular container is done
    /// and will not restart ("all regular containers are terminated, kill the sidecars",
    /// KEP-753); a sidecar's end does not change the phase, which the stop freezes.
    /// Under Always a regular container always comes back; under `.never` the kubelet
    /// decides (CRI), so neither completes here.
    mutating func completeIfDone(now: LifecycleTime) -> [Action] {
        guard !stopping, phase == .succeeded || phase == .failed else { return [] }
        guard case let .policy(policy) = mode, policy != .always else { return [] }
        completed = true
        return requestStop(grace: terminationGrace, now: now)
    }

    /// Past `activeDeadlineSeconds` the pod is Failed, reason DeadlineExceeded, and every
    /// container stops with the pod's grace period, as for a delete.
    mutating func deadlineIfDue(now: LifecycleTime) -> [Action] {
        guard !stopping, let activeDeadline, now.monotonic >= activeDeadline else { return [] }
        phase = .failed
        reason = "DeadlineExceeded"
        message = Self.deadlineMessage
        completed = true
        return requestStop(grace: terminationGrace, now: now)
    }
}
