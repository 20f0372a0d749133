import Glibc
import PodPlan

/// Lifecycle hooks (Container Lifecycle Hooks): postStart runs right after the container
/// starts, and the container is not Running until it returns (a failure kills it, and the
/// restart policy decides); preStop runs before the stop signal, inside the grace period.
extension Supervisor {
    func runPostStart(_ index: Int) {
        guard let hook = containers[index].plan.health?.postStart else { return }
        // Kubernetes gives postStart no timeout of its own; an hour bounds a hung one.
        launchCheck(index, purpose: .postStart, action: hook, timeout: 3600)
    }

    func markRunning(_ index: Int) {
        updateStatus(index) { $0.state = .running(startedAt: Clock.rfc3339()) }
        beginProbes(index)
    }

    func postStartFinished(_ index: Int, result: CheckResult) {
        guard containers[index].isRunning else { return }
        var failure: String?
        if case let .failure(text) = result { failure = text }
        perform(pod.handle(.postStartFinished(index, failure: failure), now: Clock.now()))
    }

    func postStartFailed(_ index: Int, message: String) {
        status.record(.warning, "FailedPostStartHook", message, object: fieldPath(index))
        log("container \(containers[index].plan.name): \(message)")
        containers[index].stopCause = message
        updateStatus(index) { $0.state = .waiting(reason: "PostStartHookError", message: message) }
        requestStop(index, grace: Double(plan.terminationGracePeriodSeconds))
    }

    /// Stops one container: preStop first (if it has one), then its stop signal; SIGKILL
    /// at the end of the grace period (for a pod stop, PodStop's deadline does that).
    func requestStop(_ index: Int, grace: Double) {
        guard containers[index].isRunning, containers[index].stopSignal == nil else { return }
        containers[index].stopSignal = containers[index].plan.stopSignal
        // Probes stop with the container; a hook already running (postStart) is dropped.
        cancelChecks(of: index)
        let hasPreStop = containers[index].plan.health?.preStop != nil
        let actions = pod.handle(.stopRequestedForContainer(index, grace: grace, hasPreStop: hasPreStop), now: Clock.now())
        refreshReady(index)
        perform(actions)
    }

    func runPreStop(_ index: Int, timeout: Double) {
        guard let hook = containers[index].plan.health?.preStop else { return }
        launchCheck(index, purpose: .preStop, action: hook, timeout: timeout)
    }

    func preStopFinished(_ index: Int, result: CheckResult) {
        if case let .failure(text) = result {
            status.record(.warning, "FailedPreStopHook", "PreStopHook failed: \(text)", object: fieldPath(index))
        }
        perform(pod.handle(.preStopFinished(index), now: Clock.now()))
    }

    func sendStopSignal(_ index: Int) {
        guard let pid = containers[index].pid, let number = containers[index].stopSignal else { return }
        // A stop for a failed probe or hook had its own Killing event already.
        if containers[index].stopCause == nil {
            status.record(.normal, "Killing", "Stopping container \(containers[index].plan.name)", object: fieldPath(index))
        }
        kill(pid, number)
    }

    /// Whether a container's stop is waiting on its preStop hook.
    func preStopRunning(_ index: Int) -> Bool {
        checks.contains { $0.container == index && $0.purpose == .preStop }
    }
}
