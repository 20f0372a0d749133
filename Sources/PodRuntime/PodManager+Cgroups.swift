import Foundation
import PodCgroups
import PodCore
import PodOS
import PodPlan

extension PodManager {
    /// Where the pod's cgroups are, looked up before its supervisor is stopped (the pause
    /// it may be found through dies with the stop): the run plan records the layout; when
    /// the plan does not read, the pause's own cgroup names it, and the damage is a
    /// warning that names the file, so that delete still leaves nothing behind.
    func podCgroupLayout(_ paths: PodPaths, status: PodStatusRecord?) -> (layout: CgroupLayout?, damage: PodError?) {
        podCgroupLayout(Result { () throws(PodError) in try RunPlan.readIfPresent(from: paths.runPlan) }, status: status)
    }

    /// As above, from the run plan as it was read (or the error reading it gave).
    func podCgroupLayout(_ read: Result<RunPlan?, PodError>, status: PodStatusRecord?) -> (layout: CgroupLayout?, damage: PodError?) {
        let plan: RunPlan?
        do { plan = try read.get() } catch {
            let pause = status?.pausePID ?? 0
            guard pause > 0, isPause(pause), let text = try? Files.readText("/proc/\(pause)/cgroup"),
                  let root = Self.cgroupRoot(environment: ProcessInfo.processInfo.environment),
                  let layout = CgroupLayout.ofSandbox(procCgroup: text, root: root) else {
                return (nil, PodError(error.code, "\(error.message); its pause is gone, so its cgroups (under the cgroup root, named pod<UID>) could not be found: remove them by hand", cause: error.cause))
            }
            return (layout, PodError(error.code, "\(error.message); its cgroups were found through its pause (\(layout.pod))", cause: error.cause))
        }
        return (plan?.cgroups?.layout, nil)
    }

    /// The root pod cgroups are under for this user: the configured one for root, the
    /// delegated subtree's for another user (D72; nil without a delegation).
    static func cgroupRoot(environment: [String: String]) -> String? {
        guard geteuid() != 0 else { return CgroupLayout.root(environment: environment) }
        guard case let .delegated(delegation) = RootlessPod.cgroups(environment: environment) else { return nil }
        return delegation.root
    }

    /// After the supervisor is gone (stopped, or crashed and killed): whatever is left in
    /// the pod's cgroups is killed and they are removed. This also reaches processes the
    /// network namespace cannot name (a hostNetwork pod's). A cgroup still there at the
    /// deadline is recorded in CgroupLeftovers, for the next apply or delete, and the
    /// warning is returned; only when it cannot even be recorded is this an error, and
    /// delete then keeps the pod's state so that it can be retried.
    func destroyCgroups(_ layout: CgroupLayout?) throws(PodError) -> String? {
        guard let layout, let hierarchy = hostCgroups else { return nil }
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
