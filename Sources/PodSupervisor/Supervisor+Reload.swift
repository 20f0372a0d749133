import Glibc
import PodPlan

extension Supervisor {
    /// Re-reads the run plan `podctl apply` rewrote, and replaces each container whose spec
    /// hash changed: it is stopped (stop signal, then SIGKILL after the grace period) and
    /// started again at once with its new spec, as the kubelet restarts a container whose
    /// spec changed. Changes to the sandbox never come here: apply re-creates the pod.
    func reload() -> ControlReply {
        guard !pod.stopping else { return ControlReply(ok: false, message: "the pod is stopping") }
        let fresh: RunPlan
        do {
            fresh = try RunPlan.read(from: planPath)
        } catch {
            return ControlReply(ok: false, message: "\(error)")
        }
        updatePodLimits(fresh.cgroups)
        var restarted: [String] = []
        for (index, container) in containers.enumerated() {
            guard let updated = fresh.allContainers.first(where: { $0.name == container.plan.name }), updated.specHash != container.plan.specHash else { continue }
            restarted.append(updated.name)
            replace(index, with: updated)
        }
        return ControlReply(ok: true, message: restarted.isEmpty ? "nothing changed" : "restarting \(restarted.joined(separator: ", "))", restarted: restarted)
    }

    private func replace(_ index: Int, with updated: ContainerPlan) {
        containers[index].pendingPlan = updated
        _ = pod.handle(.replaced(index), now: Clock.now())
        log("container \(updated.name): spec changed, restarting it")
        status.record(.normal, "Killing", "Container \(updated.name) definition changed, will be restarted", object: fieldPath(index))
        if containers[index].isRunning {
            requestStop(index, grace: Double(plan.terminationGracePeriodSeconds))
        } else {
            adoptPendingPlan(index)
        }
        statusDirty = true
    }

    /// Called when a container with a pending new spec is down: swap the spec (the
    /// lifecycle restarts it at once, with a fresh back-off).
    func adoptPendingPlan(_ index: Int) {
        guard let updated = containers[index].pendingPlan else { return }
        containers[index].plan = updated
        containers[index].pendingPlan = nil
        updateStatus(index) { record in
            record.image = updated.image
            record.imageID = updated.imageID
        }
    }
}
