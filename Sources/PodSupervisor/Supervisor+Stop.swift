import Glibc
import PodCore
import PodOS
import PodPlan

/// The pod's stop as the Supervisor executes it; the order and the deadline are PodStop's
/// (PodStop.swift).
extension Supervisor {
    /// The grace period: the one `podctl delete --grace-period` left in the pod's run
    /// directory, else the pod's terminationGracePeriodSeconds.
    func gracePeriodRequested() -> Double {
        let path = Files.dirname(of: plan.statusPath) + "/grace-period"
        if let text = try? Files.readText(path), let seconds = Double(text.trimmingWhitespace()) { return max(0, seconds) }
        return Double(plan.terminationGracePeriodSeconds)
    }

    func beginStop(grace: Double) {
        if !pod.stopping { log("stopping the pod, grace period \(grace)s") }
        perform(pod.handle(.stopRequested(grace: grace), now: Clock.now()))
    }

    func performStop(_ step: PodStop.Action) {
        switch step {
        case let .stop(indices, grace):
            for index in indices { requestStop(index, grace: grace) }
        case let .kill(indices):
            for index in indices {
                log("container \(containers[index].plan.name) did not stop within the grace period: killing it")
                cancelChecks(of: index)
                signal(index, SIGKILL)
            }
        case .killSandbox:
            if status.pausePID > 0 { kill(status.pausePID, SIGKILL) }
        }
    }

    /// The stop signal goes to the container's init (PID 1 of its namespace), which passes it
    /// to the workload's process group; SIGKILL to the init kills the whole namespace.
    private func signal(_ index: Int, _ number: Int32) {
        guard let pid = containers[index].pid else { return }
        kill(pid, number)
    }

    func finishStop() {
        for index in containers.indices { discardPrestarted(index); closeLogs(index) }
        removeCgroups()
        stopHostPortForwarder()
        // A delete releases the network itself; a completed pod stays listed without it.
        if pod.completed { releaseNetwork() }
        status.stopped = true
        status.sandboxReady = false
        syncPhase()
        writeStatus()
        log("pod stopped")
    }
}
