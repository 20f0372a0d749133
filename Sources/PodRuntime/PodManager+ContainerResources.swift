import PodCgroups
import PodCore
import PodModel
import PodPlan
import PodStore

extension PodManager {
    /// CRI UpdateContainerResources: the container's requests and limits become
    /// `resources` in the pod's manifest (so a later plan of the pod keeps them), its
    /// cgroup limits and the pod's sums in the run plan, both computed as the planner
    /// computes them (CgroupLimits+Pod.swift); then the supervisor writes them into the
    /// cgroups (Supervisor+Resources.swift). Refused by the supervisor or the kernel, the
    /// manifest and plan are put back, as addContainer does. Returns the container's new
    /// cgroup limits (nil: the pod has no cgroups, a rootless pod).
    @discardableResult
    public func updateContainerResources(_ key: PodKey, name: String, resources: ResourceRequirements?) throws(PodError) -> CgroupLimits? {
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        guard let before = try store.read(Pod.self, from: paths.manifest), let previous = try store.read(RunPlan.self, from: paths.runPlan) else {
            throw PodError(.notFound, "pod \(key) not found")
        }
        guard let index = before.spec?.containers?.firstIndex(where: { $0.name == name }),
              let planIndex = previous.containers.firstIndex(where: { $0.name == name }) else {
            throw PodError(.notFound, "pod \(key) has no container \(name)")
        }
        var pod = before
        pod.spec?.containers?[index].resources = resources
        var plan = previous
        if var cgroups = plan.cgroups, let container = pod.spec?.containers?[index] {
            var limits = CgroupLimits(container: container)
            limits.pidsMax = plan.containers[planIndex].limits?.pidsMax
            plan.containers[planIndex].limits = limits
            cgroups.limits = CgroupLimits(pod: pod, pidsMax: cgroups.limits.pidsMax)
            plan.cgroups = cgroups
        }
        try store.write([(pod, paths.manifest), (plan, paths.runPlan)])
        guard supervisorAlive(try readStatus(paths)) else { return plan.containers[planIndex].limits }
        do throws(PodError) {
            try control(paths, ControlRequest(op: .updateResources, container: name))
        } catch {
            try? store.write(before, to: paths.manifest)
            try? store.write(previous, to: paths.runPlan)
            throw error
        }
        return plan.containers[planIndex].limits
    }
}
