import PodCgroups
import PodPlan

extension Supervisor {
    /// CRI UpdateContainerResources (PodManager+ContainerResources.swift wrote the run
    /// plan): the container's new limits and the pod's new sums go into the cgroups in an
    /// order the kernel takes (Cgroup.update); a container that is not running has no
    /// cgroup yet or any more, and gets its limits when it starts, unless it was prepared
    /// at its create (D82): its cgroup is there and takes them now. Refused, the old limits
    /// are written back and the reply says why.
    func updateResources(_ name: String) -> ControlReply {
        guard let index = containerIndex(name) else { return ControlReply(ok: false, message: "container \(name) not found") }
        let fresh: RunPlan
        do { fresh = try RunPlan.read(from: planPath) } catch { return ControlReply(ok: false, message: "\(error)") }
        guard let planned = fresh.containers.first(where: { $0.name == name }) else {
            return ControlReply(ok: false, message: "container \(name) is not in the run plan \(planPath)")
        }
        let old = (pod: podLimits, container: containers[index].plan.limits)
        if let pod = podCgroup, let layout = plan.cgroups?.layout, let hierarchy = hostCgroups,
           let oldPod = old.pod, let newPod = fresh.cgroups?.limits, let limits = planned.limits {
            let cgroup = hierarchy.cgroup(layout.container(name))
            let running = (containers[index].isRunning || containers[index].prestarted != nil) && cgroup.exists ? cgroup : nil
            do {
                try Cgroup.update(pod: pod, from: oldPod, to: newPod, container: running, limits: limits)
            } catch {
                try? Cgroup.update(pod: pod, from: newPod, to: oldPod, container: running, limits: old.container ?? CgroupLimits())
                log("container \(name): new limits refused: \(error)")
                return ControlReply(ok: false, message: "the new limits of container \(name) were not applied: \(error)")
            }
            podLimits = newPod
        }
        containers[index].plan.limits = planned.limits
        log("container \(name): limits updated")
        return ControlReply(ok: true, message: "updated")
    }
}
