/// The kubelet's probe semantics (Configure Liveness, Readiness and Startup Probes):
/// while a startup probe has not succeeded, liveness and readiness do not run; a startup
/// or liveness probe that reaches its failure threshold has the container killed and
/// restarted under the restart policy (with the back-off); readiness decides the
/// container's `ready`, and with it the pod's ContainersReady and Ready conditions.
/// Every failure is an `Unhealthy` event with the probe's output.
extension Supervisor {
    /// The container runs and its postStart hook returned: probes begin.
    func beginProbes(_ index: Int) {
        let health = containers[index].plan.health ?? ContainerHealthPlan()
        containers[index].probes = [:]
        for kind in ProbeKind.allCases {
            if let probe = health.probe(kind) { containers[index].probes[kind] = ProbeState(plan: probe) }
        }
        if let startup = health.startup {
            let first = max(Clock.monotonic(), startedAt(index) + startup.initialDelay)
            containers[index].probes[.startup]?.nextAt = first
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
            guard let probe = containers[index].probes[kind] else { continue }
            let first = max(now, startedAt(index) + probe.plan.initialDelay)
            containers[index].probes[kind]?.nextAt = first
        }
        refreshReady(index)
        // A sidecar counts as started now: the next init container may go.
        perform(actions)
    }

    /// When the running instance started (monotonic), the base of initialDelaySeconds.
    private func startedAt(_ index: Int) -> Double {
        pod.containers[index].runningSince?.monotonic ?? Clock.monotonic()
    }

    /// `ready`: running, started, and its readiness probe (if any) at success.
    func refreshReady(_ index: Int) {
        let container = containers[index]
        let ready = container.isRunning && pod.containers[index].started && container.stopSignal == nil
            && (container.probes[.readiness].map { $0.result == true } ?? true)
        updateStatus(index) { $0.ready = ready }
    }

    /// Probes whose time has come, one at a time per probe.
    func runDueProbes(now: Double) {
        guard stopping == nil else { return }
        for index in containers.indices where containers[index].isRunning && containers[index].stopSignal == nil {
            for kind in ProbeKind.allCases {
                guard let state = containers[index].probes[kind], let due = state.nextAt, due <= now, !state.running else { continue }
                if (kind == .startup) == pod.containers[index].started { continue }
                containers[index].probes[kind]?.running = true
                containers[index].probes[kind]?.nextAt = now + state.plan.period
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
        state.running = false
        let name = containers[index].plan.name
        switch result {
        case .success, .successWithWarning:
            if case let .successWithWarning(text) = result {
                status.record(.warning, "ProbeWarning", "\(kind.rawValue) probe warning: \(text)", object: fieldPath(index))
            }
            state.failures = 0
            state.successes += 1
            if state.successes >= state.plan.successThreshold { state.result = true }
        case let .failure(text):
            state.successes = 0
            state.failures += 1
            status.record(.warning, "Unhealthy", "\(kind.rawValue) probe failed: \(text)", object: fieldPath(index))
            log("container \(name): \(kind.rawValue.lowercased()) probe failed (\(state.failures)/\(state.plan.failureThreshold)): \(text)")
            if state.failures >= state.plan.failureThreshold { state.result = false }
        }
        containers[index].probes[kind] = state
        switch kind {
        case .startup:
            if state.result == true && !pod.containers[index].started { startupPassed(index) }
            else if state.result == false { killForRestart(index, because: "failed startup probe", grace: state.plan.terminationGrace) }
        case .liveness:
            if state.result == false { killForRestart(index, because: "failed liveness probe", grace: state.plan.terminationGrace) }
        case .readiness:
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
