import PodPlan

/// Which pods `podctl restore` brings back after a reboot or a crash, decided from the
/// pod's restart policy and the last status its supervisor wrote (docs/runtime.md,
/// "After a reboot"). Pure: no file, process or clock is read here.
///
/// The precedent is the kubelet after a node reboot: the pod sandbox is gone, so it is
/// made anew (the kubelet's `SandboxChanged`), and every container starts again as its
/// next attempt: `restartCount` one higher, the lost instance in `lastState` as
/// `terminated`, exit code 255, reason `Unknown` (what containerd reports for a task
/// that died with the host). A pod in a terminal phase is not synced again. With
/// `restartPolicy: Never` the kubelet does not recreate the sandbox of a pod whose
/// containers have already been created (computePodActions: "we should not create a
/// sandbox for a pod if it is already done"), so such a pod stays down, Failed.
public enum RestoreRules {
    /// `logsExist`: a container of the pod has written a log (so one was created), the
    /// one trace left of a pod whose status was lost (one applied before last-status.json).
    public static func decide(restartPolicy: String, record: PodStatusRecord?, logsExist: Bool = false, now: String) -> RestoreDecision {
        if record == nil && logsExist && restartPolicy == "Never" { return .stayFinished(unknownOutcome(now: now)) }
        // Nothing known ran (no status survived, or none was written): the kubelet retries
        // the sandbox when a pod has no container statuses, whatever its policy.
        guard let record, ranBefore(record) else { return .start(carry(record, now: now)) }
        // A pod that completed (or passed activeDeadlineSeconds) is terminal: the kubelet
        // does not sync it again, whatever its policy.
        if record.completed == true { return .stayFinished(finished(record, now: now)) }
        let shouldRun: Bool
        switch (restartPolicy, record.phase) {
        case ("Never", _): shouldRun = false
        case ("OnFailure", "Succeeded"): shouldRun = false
        default: shouldRun = true  // Always; OnFailure unless it succeeded
        }
        return shouldRun ? .start(carry(record, now: now)) : .stayFinished(finished(record, now: now))
    }

    /// Whether any container (init or app) was ever created.
    static func ranBefore(_ record: PodStatusRecord) -> Bool {
        (record.initContainers + record.containers).contains { ranBefore($0) }
    }

    static func ranBefore(_ container: ContainerStatusRecord) -> Bool {
        if container.restartCount > 0 { return true }
        if case .waiting = container.state { return false }
        return true
    }

    /// What the new supervisor takes over: each container's next attempt number and
    /// its lost instance, and the pod's events with the sandbox change recorded.
    static func carry(_ record: PodStatusRecord?, now: String) -> RestoredState {
        guard var record else { return RestoredState(containers: [:], events: []) }
        var containers: [String: RestoredContainer] = [:]
        for container in record.initContainers + record.containers {
            guard ranBefore(container) else {
                containers[container.name] = RestoredContainer(restartCount: container.restartCount, lastState: container.lastState)
                continue
            }
            // One in back-off (waiting) keeps the last instance it had.
            let last = if case .waiting = container.state { container.lastState } else { lost(container.state, now: now) }
            containers[container.name] = RestoredContainer(restartCount: container.restartCount + 1, lastState: last)
        }
        record.record(.normal, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.")
        return RestoredState(containers: containers, events: record.events)
    }

    /// The status a pod that stays down shows: nothing runs, running containers lost.
    static func finished(_ record: PodStatusRecord, now: String) -> PodStatusRecord {
        var result = record
        result.supervisorPID = 0
        result.pausePID = 0
        result.sandboxReady = false
        result.stopped = true
        var lostAny = false
        for index in result.initContainers.indices { lostAny = stop(&result.initContainers[index], now: now) || lostAny }
        for index in result.containers.indices { lostAny = stop(&result.containers[index], now: now) || lostAny }
        if lostAny || result.phase == "Running" || result.phase == "Pending" {
            // getPhase: with Never, a container that terminated non-zero fails the pod.
            result.phase = "Failed"
            result.record(.warning, "SandboxLost", "The pod's sandbox was lost (host restart or crash); restartPolicy Never: not started again")
        }
        return result
    }

    /// A Never pod whose containers ran but whose status is lost: down, Failed, saying so.
    static func unknownOutcome(now: String) -> PodStatusRecord {
        var record = PodStatusRecord()
        record.phase = "Failed"
        record.stopped = true
        record.message = "podctl restore found no status of this pod (its containers had run); restartPolicy Never: not started again"
        record.record(.warning, "SandboxLost", record.message ?? "")
        return record
    }

    /// Marks a running (or starting) container as lost; returns whether it was.
    private static func stop(_ container: inout ContainerStatusRecord, now: String) -> Bool {
        container.pid = nil
        container.ready = false
        if case .terminated = container.state { return false }
        container.state = lost(container.state, now: now) ?? container.state
        container.started = false
        return true
    }

    /// A running instance becomes terminated/Unknown (255); a terminated one stays.
    static func lost(_ state: ContainerStatusRecord.State, now: String) -> ContainerStatusRecord.State? {
        switch state {
        case let .running(startedAt):
            return .terminated(exitCode: 255, signal: nil, reason: "Unknown", message: "the pod's sandbox was lost (host restart or crash)", startedAt: startedAt, finishedAt: now)
        case .waiting:
            return .terminated(exitCode: 255, signal: nil, reason: "Unknown", message: "the pod's sandbox was lost (host restart or crash)", startedAt: nil, finishedAt: now)
        case .terminated:
            return state
        }
    }
}

public enum RestoreDecision: Equatable, Sendable {
    /// Make the sandbox anew and start the containers, taking this over.
    case start(RestoredState)
    /// Leave it down; this is the status to show.
    case stayFinished(PodStatusRecord)
}
