import Glibc
import PodCgroups
import PodCore
import PodLaunch
import PodOS
import PodPlan


extension Supervisor {
    var podCgroup: Cgroup? {
        guard let layout = plan.cgroups?.layout, let hierarchy = hostCgroups else { return nil }
        return hierarchy.cgroup(layout.pod)
    }

    /// The pod's cgroup with the pod's limits, and the pause's leaf in it; the sandbox
    /// helper joins the leaf before it makes the namespaces. A host without a cgroup
    /// filesystem runs the pod unlimited, with a warning event.
    func prepareSandboxCgroups(_ launch: inout SandboxLaunch) -> Bool {
        guard let cgroups = plan.cgroups else { return true }
        launch.placement.oomScoreAdj = plan.sandboxOOMScoreAdj
        guard let pod = podCgroup else {
            status.record(.warning, "CgroupsUnavailable", "no cgroup filesystem with the cpu, memory or pids controller is mounted: the pod runs without resource limits")
            return true
        }
        do {
            // A pod cgroup left by a killed supervisor holds nothing that should live on.
            if pod.exists { try pod.destroy() }
            for warning in try pod.create(cgroups.limits) { status.record(.warning, "CgroupLimitNotSet", warning) }
            let sandbox = hostCgroups!.cgroup(cgroups.layout.sandbox)
            try sandbox.create(nil)
            launch.placement.cgroupProcs = sandbox.procsFiles
        } catch {
            status.phase = "Failed"
            status.reason = "SandboxCreateError"
            status.message = "cannot create the pod's cgroup \(cgroups.layout.pod): \(error)"
            status.record(.warning, "FailedCreatePodSandBox", status.message ?? "")
            log(status.message ?? "")
            return false
        }
        return true
    }

    /// A fresh cgroup for every start (the OOM counter then counts this run only), with
    /// the container's limits and device allow-list; the container's helper joins it
    /// before it forks, so its first instruction already meets both.
    func prepareContainerCgroup(_ index: Int, _ launch: inout ContainerLaunch) throws(PodError) {
        let container = containers[index].plan
        launch.placement.oomScoreAdj = container.oomScoreAdj
        guard let limits = container.limits, let layout = plan.cgroups?.layout, let hierarchy = hostCgroups else { return }
        let cgroup = hierarchy.cgroup(layout.container(container.name))
        if cgroup.exists { try cgroup.destroy() }
        for warning in try cgroup.create(limits) { status.record(.warning, "CgroupLimitNotSet", warning, object: fieldPath(index)) }
        // A non-root user's pod gets no device filter, as rootless runc and crun give
        // none: loading a BPF_CGROUP_DEVICE program needs CAP_SYS_ADMIN, and the user
        // namespace confines devices already (no mknod; /dev's nodes are the host's,
        // opened with the user's own rights; docs/rootless.md).
        if plan.rootless == nil {
            let devices = DeviceAllowList.rules(privileged: container.confinement.privileged, bounding: container.confinement.capabilities.bounding)
            for warning in try cgroup.restrictDevices(devices) { status.record(.warning, "DevicesNotRestricted", warning, object: fieldPath(index)) }
        }
        launch.placement.cgroupProcs = cgroup.procsFiles
    }

    /// The kernel refuses to lower oom_score_adj without CAP_SYS_RESOURCE; the helper
    /// goes on without it, and this says so once per pod and container.
    func checkOOMScore(pid: Int32, wanted: Int32?, object: String?) {
        guard let wanted, let text = try? Files.readText("/proc/\(pid)/oom_score_adj"),
              let actual = Int32(text.trimmingWhitespace()), actual != wanted else { return }
        let what = object ?? "the pod's pause"
        let message = "oom_score_adj of \(what) is \(actual), not \(wanted) as its QoS class asks: lowering it needs CAP_SYS_RESOURCE"
        if !status.events.contains(where: { $0.reason == "OOMScoreAdjNotSet" && $0.message == message }) {
            status.record(.warning, "OOMScoreAdjNotSet", message, object: object)
            log(message)
        }
    }

    /// A reload with changed containers may change the pod's sums (the containers' own
    /// limits come with their restart). A limit the kernel refuses now (v1 will not set a
    /// memory limit below the current usage) is a warning; the old one stays.
    func updatePodLimits(_ fresh: PodCgroupPlan?) {
        guard let limits = fresh?.limits, limits != plan.cgroups?.limits, let pod = podCgroup else { return }
        do { try pod.create(limits) } catch {
            status.record(.warning, "CgroupLimitNotSet", "the pod's new limits were not applied: \(error)")
        }
    }

    /// The memory controller's count says whether this run ended in the OOM killer.
    func oomKilled(_ index: Int) -> Bool {
        guard plan.cgroups != nil, let layout = plan.cgroups?.layout, let hierarchy = hostCgroups else { return false }
        return (hierarchy.cgroup(layout.container(containers[index].plan.name)).oomKills() ?? 0) > 0
    }

    func recordOOMKill(_ index: Int) {
        let limit = containers[index].plan.limits?.memoryMax.map { " (limit \($0) bytes)" } ?? ""
        status.record(.warning, "OOMKilled", "Container \(containers[index].plan.name) was killed by the kernel's OOM killer: its memory use reached its limit\(limit)", object: fieldPath(index))
    }

    /// The pod stopped: whatever is left in its cgroups is killed and the cgroups go.
    func removeCgroups() {
        guard let pod = podCgroup else { return }
        do { try pod.destroy() } catch {
            status.record(.warning, "CgroupRemoveFailed", error.description)
            log("cannot remove the pod's cgroups: \(error)")
        }
    }
}
