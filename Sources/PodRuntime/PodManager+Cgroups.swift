import Foundation
import PodCgroups
import PodCore

extension PodManager {
    /// After the supervisor is gone (stopped, or crashed and killed): whatever is left in
    /// the pod's cgroups is killed and they are removed. This also reaches processes the
    /// network namespace cannot name (a hostNetwork pod's). Returns the error, if any, so
    /// delete goes on removing the rest.
    func destroyCgroups(_ paths: PodPaths) -> PodError? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: paths.runPlan)),
              let plan = try? JSONDecoder().decode(RunPlan.self, from: data),
              let layout = plan.cgroups?.layout, let hierarchy = hostCgroups else { return nil }
        do { try hierarchy.cgroup(layout.pod).destroy() } catch { return error }
        return nil
    }
}

extension ExecTarget {
    /// The container's cgroup files: the exec helper joins them before the namespaces, so
    /// the command counts against the container's limits as runc's exec does.
    func cgroupProcs() -> [String] {
        cgroups?.procsFiles(ofContainer: plan.name) ?? []
    }
}

extension PodCgroupPlan {
    /// The `cgroup.procs` files of a running container's cgroup, for a process that joins
    /// it (an exec, an exec probe or hook); none when the cgroup is not there.
    func procsFiles(ofContainer name: String) -> [String] {
        guard let hierarchy = hostCgroups else { return [] }
        let cgroup = hierarchy.cgroup(layout.container(name))
        return cgroup.exists ? cgroup.procsFiles : []
    }
}
