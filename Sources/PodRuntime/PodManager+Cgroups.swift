import Foundation
import PodCgroups
import PodCore
import PodPlan

extension PodManager {
    /// After the supervisor is gone (stopped, or crashed and killed): whatever is left in
    /// the pod's cgroups is killed and they are removed. This also reaches processes the
    /// network namespace cannot name (a hostNetwork pod's). A cgroup still there at the
    /// deadline is recorded in CgroupLeftovers, for the next apply or delete, and the
    /// warning is returned; only when it cannot even be recorded is this an error, and
    /// delete then keeps the pod's state so that it can be retried.
    func destroyCgroups(_ paths: PodPaths) throws(PodError) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: paths.runPlan)),
              let plan = try? JSONDecoder().decode(RunPlan.self, from: data),
              let layout = plan.cgroups?.layout, let hierarchy = hostCgroups else { return nil }
        let left = hierarchy.cgroup(layout.pod).teardown(seconds: Self.cgroupDeadline)
        guard !left.isEmpty else { return nil }
        let leftovers = CgroupLeftovers(root: store.roots.root, hierarchy: hierarchy)
        do { try leftovers.record(layout.pod) } catch {
            throw PodError(.system, "cannot remove the pod's cgroup \(layout.pod) and cannot record it for later; the pod's state was kept: run the delete again", cause: .error(error))
        }
        return "the pod's cgroup directories \(left.map(\.directory).joined(separator: ", ")) were still busy after \(Int(Self.cgroupDeadline)) s; "
            + "they are recorded in \(leftovers.directory) and the next podctl apply or delete removes them"
    }

    /// How long delete keeps killing and removing a pod's cgroups (a bounded fork bomb
    /// takes well under a second with the freezer).
    static let cgroupDeadline: Double = 15

    /// Kills and removes the cgroups earlier deletes had to leave; returns their paths.
    func reclaimLeftoverCgroups() -> [String] {
        CgroupLeftovers(root: store.roots.root, hierarchy: hostCgroups).reclaim()
    }
}

extension ExecTarget {
    /// The container's cgroup files: the exec helper joins them before the namespaces, so
    /// the command counts against the container's limits as runc's exec does.
    func cgroupProcs() -> [String] {
        cgroups?.procsFiles(ofContainer: plan.name) ?? []
    }
}

