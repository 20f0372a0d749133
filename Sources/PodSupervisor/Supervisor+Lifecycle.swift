/// The Supervisor as the executor of the PodLifecycle's actions: it starts processes,
/// schedules nothing of its own (the lifecycle's `nextDeadline` is its timer), and
/// reports each decision in status.json and the pod's events.

import PodPlan
extension Supervisor {
    func perform(_ actions: [PodLifecycle.Action]) {
        for action in actions {
            switch action {
            case let .start(indices): start(indices)
            case let .restartScheduled(index, delay): reportRestart(index, delay: delay)
            case .stayDown: break
            case let .forget(index): forget(index)
            case let .stop(step): performStop(step)
            case let .runPostStart(index): runPostStart(index)
            case let .running(index): markRunning(index)
            case let .postStartFailed(index, message): postStartFailed(index, message: message)
            case let .runPreStop(index, timeout): runPreStop(index, timeout: timeout)
            case let .sendStopSignal(index): sendStopSignal(index)
            }
        }
        syncPhase()
    }

    /// The phase and Initialized as the lifecycle has them, with the lifecycle's reason
    /// (DeadlineExceeded); a sandbox failure (a reason set by the Supervisor) stays Failed.
    func syncPhase() {
        statusDirty = true
        status.initDone = pod.initDone
        if pod.completed && status.completed != true {
            log("the pod has ended (\(pod.phase.rawValue)): stopping what still runs, then the sandbox")
            status.completed = true
        }
        if status.phase == "Failed" && status.reason != nil { return }
        status.phase = pod.phase.rawValue
        if let reason = pod.reason, status.reason != reason {
            // The kubelet's event for a pod past its deadline (active_deadline.go).
            status.record(.normal, reason, pod.message ?? "")
            status.reason = reason
            status.message = pod.message
        }
    }

    /// A restart waits: the last state moves to lastState; in back-off the container is
    /// waiting with the kubelet's CrashLoopBackOff reason and message.
    private func reportRestart(_ index: Int, delay: Double) {
        let name = containers[index].plan.name
        let pod = "\(plan.name)_\(plan.namespace)(\(plan.uid))"
        if delay > 0 {
            status.record(.warning, "BackOff", "Back-off restarting failed container \(name) in pod \(pod)", object: fieldPath(index))
        }
        updateStatus(index) { record in
            record.lastState = record.state
            if delay > 0 {
                record.state = .waiting(reason: "CrashLoopBackOff", message: "back-off \(Int(delay))s restarting failed container=\(name) pod=\(pod)")
            }
        }
    }

    /// A container left the sandbox: its run and status go.
    private func forget(_ index: Int) {
        let initCount = containers.prefix { $0.isInit }.count
        if index < initCount { status.initContainers.remove(at: index) } else { status.containers.remove(at: index - initCount) }
        containers.remove(at: index)
    }
}
