/// The kubelet's probe semantics (Configure Liveness, Readiness and Startup Probes):
/// while a startup probe has not succeeded, liveness and readiness do not run; a startup
/// or liveness probe that reaches its failure threshold has the container killed and
/// restarted under the restart policy (with the back-off); readiness decides the
/// container's `ready`, and with it the pod's ContainersReady and Ready conditions.
/// Every failure is an `Unhealthy` event with the probe's output.

import PodPlan
extension Supervisor {
    /// The container runs and its postStart hook returned: probes begin.
    func beginProbes(_ index: Int) {
        let health = containers[index].plan.health ?? ContainerHealthPlan()
        containers[index].probes = [:]
        for kind in ProbeKind.allCases {
            if let probe = health.probe(kind) { containers[index].probes[kind] = ProbeState(plan: probe) }
        }
        _ = pod.handle(.probesBegan(index, hasReadinessProbe: health.readiness != nil), now: Clock.now())
        if health.startup != nil {
            containers[index].probes[.startup]?.schedule(containerStartedAt: startedAt(index), now: Clock.monotonic())
            refreshReady(index)
        } else {
            startupPassed(index)
        }
    }

    private func startupPassed(_ index: Int) {
        let actions = pod.handle(.startupSucceeded(index), now: Clock.now())
        updateStatus(index) { $0.started = true }
        let now = Clock.monotonic()
        for kind in [ProbeKind.liveness, .readiness] {
            containers[index].probes[kind]?.schedule(containerStartedAt: startedAt(index), now: now)
        }
        refreshReady(index)
        // A sidecar counts as started now: the next init container may go.
        perform(actions)
    }

    /// When the running instance started (monotonic), the base of initialDelaySeconds.
    private func startedAt(_ index: Int) -> Double {
        pod.containers[index].runningSince?.monotonic ?? Clock.monotonic()
    }

    /// `ready` as the lifecycle has it (ContainerLifecycle.ready).
    func refreshReady(_ index: Int) {
        let ready = pod.containers[index].ready
        updateStatus(index) { $0.ready = ready }
    }

    /// Probes whose time has come, one at a time per probe.
    func runDueProbes(now: Double) {
        guard !pod.stopping else { return }
        for index in containers.indices where containers[index].isRunning && containers[index].stopSignal == nil {
            for kind in ProbeKind.allCases {
                guard let state = containers[index].probes[kind], state.isDue(now: now), ProbeConsequence.runs(kind, started: pod.containers[index].started) else { continue }
                containers[index].probes[kind]?.launched(now: now)
                launchCheck(index, purpose: .probe(kind), action: state.plan.action, timeout: state.plan.timeout)
            }
        }
    }

    /// The earliest time a probe is due.
    var nextProbeTime: Double? {
        containers.filter(\.isRunning).flatMap { $0.probes.values.compactMap { $0.running ? nil : $0.nextAt } }.min()
    }

    func probeFinished(_ index: Int, kind: ProbeKind, result: CheckResult) {
        guard var state = containers[index].probes[kind], containers[index].isRunning else { return }
        let name = containers[index].plan.name
        switch result {
        case let .successWithWarning(text):
            status.record(.warning, "ProbeWarning", "\(kind.rawValue) probe warning: \(text)", object: fieldPath(index))
            _ = state.record(success: true)
        case .success:
            _ = state.record(success: true)
        case let .failure(text):
            _ = state.record(success: false)
            status.record(.warning, "Unhealthy", "\(kind.rawValue) probe failed: \(text)", object: fieldPath(index))
            log("container \(name): \(kind.rawValue.lowercased()) probe failed (\(state.failures)/\(state.plan.failureThreshold)): \(text)")
        }
        containers[index].probes[kind] = state
        switch ProbeConsequence.of(kind, result: state.result, started: pod.containers[index].started) {
        case .none: break
        case .startupPassed: startupPassed(index)
        case let .restart(cause): killForRestart(index, because: cause, grace: state.plan.terminationGrace)
        case .readinessChanged:
            _ = pod.handle(.readinessResult(index, state.result), now: Clock.now())
            refreshReady(index)
        }
    }

    /// Stops a container so the restart policy brings it back: preStop, the stop signal,
    /// SIGKILL after the grace period (the probe's own, else the pod's).
    func killForRestart(_ index: Int, because cause: String, grace: Int64?) {
        guard containers[index].isRunning, containers[index].stopSignal == nil else { return }
        let name = containers[index].plan.name
        status.record(.normal, "Killing", "Container \(name) \(cause), will be restarted", object: fieldPath(index))
        log("container \(name) \(cause): stopping it for a restart")
        containers[index].stopCause = cause
        requestStop(index, grace: Double(grace ?? plan.terminationGracePeriodSeconds))
    }
}
