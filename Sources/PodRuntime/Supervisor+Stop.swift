import Glibc
import PodOS

/// A graceful stop in progress: app containers get their stop signal first, sidecars
/// after the app containers are gone (in reverse order, as the kubelet stops them),
/// and whatever still runs at the deadline is killed.
struct StopState {
    var deadline: Double
    var sidecarsSignalled = false
    var killed = false
    var finished = false
}

extension Supervisor {
    /// The grace period: the one `podctl delete --grace-period` left in the pod's run
    /// directory, else the pod's terminationGracePeriodSeconds.
    func gracePeriodRequested() -> Double {
        let path = Files.dirname(of: plan.statusPath) + "/grace-period"
        if let text = try? Files.readText(path), let seconds = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return max(0, seconds) }
        return Double(plan.terminationGracePeriodSeconds)
    }

    func beginStop(grace: Double) {
        if var current = stopping {
            // A second request may only shorten the grace period.
            current.deadline = min(current.deadline, Clock.monotonic() + grace)
            stopping = current
            return
        }
        log("stopping the pod, grace period \(grace)s")
        stopping = StopState(deadline: Clock.monotonic() + grace)
        perform(pod.handle(.stopRequested, now: Clock.now()))
        for index in containers.indices where !containers[index].plan.isSidecar { requestStop(index, grace: grace) }
        continueStop(now: Clock.monotonic())
    }

    func continueStop(now: Double) {
        guard var state = stopping else { return }
        let appsRunning = containers.contains { !$0.plan.isSidecar && $0.isRunning }
        if !appsRunning && !state.sidecarsSignalled {
            state.sidecarsSignalled = true
            for index in containers.indices.reversed() where containers[index].plan.isSidecar { requestStop(index, grace: max(0, state.deadline - now)) }
        }
        if now >= state.deadline && !state.killed {
            state.killed = true
            for index in containers.indices where containers[index].isRunning {
                log("container \(containers[index].plan.name) did not stop within the grace period: killing it")
                cancelChecks(of: index)
                signal(index, SIGKILL)
            }
        }
        if !containers.contains(where: \.isRunning) {
            if status.pausePID > 0 { kill(status.pausePID, SIGKILL) }
            state.finished = status.pausePID == 0
            if !state.finished { state.deadline = min(state.deadline, now + 0.05) }
        }
        stopping = state
    }

    /// The stop signal goes to the container's init (PID 1 of its namespace), which passes it
    /// to the workload's process group; SIGKILL to the init kills the whole namespace.
    private func signal(_ index: Int, _ number: Int32) {
        guard let pid = containers[index].pid else { return }
        kill(pid, number)
    }

    func finishStop() {
        for index in containers.indices { closeLogs(index) }
        removeCgroups()
        status.stopped = true
        status.sandboxReady = false
        perform(pod.handle(.stopFinished, now: Clock.now()))
        writeStatus()
        log("pod stopped")
    }
}
