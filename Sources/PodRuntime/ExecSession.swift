import Foundation
import CPodShim
import Glibc
import PodCore
import PodLaunch
import PodPlan
import PodSupervisor

/// The running container a command is exec'd into: its init's PID and its plan.
public struct ExecTarget: Sendable {
    public let pid: Int32
    public let plan: ContainerPlan
    /// The pod-helper the pod runs with, from the same reading of the run plan: the plan
    /// is about 100 KiB of JSON (compiled seccomp filters), and decoding it a second time
    /// was a quarter of an exec's instructions (callgrind, docs/benchmarks.md).
    public let helperPath: String
    let paths: PodPaths
    /// The pod's user namespace, which the exec enters as its container did.
    var idMap: IDMap? = nil
    /// A non-root user's pod: the exec joins its user namespace first.
    var rootless: RootlessMapping? = nil
    /// The pod's cgroups, whose container cgroup the exec joins.
    var cgroups: PodCgroupPlan? = nil

    public var runPlan: RunPlan {
        get throws(PodError) {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: paths.runPlan)) } catch {
                throw PodError(.corruptState, "cannot read \(paths.runPlan)", cause: .text("\(error)"))
            }
            do { return try JSONDecoder().decode(RunPlan.self, from: data) } catch {
                throw PodError(.corruptState, "the run plan \(paths.runPlan) is damaged", cause: .text("\(error)"))
            }
        }
    }

    public static func find(_ view: PodView, container name: String?) throws(PodError) -> ExecTarget {
        let target = ExecTarget(pid: 0, plan: ContainerPlan.empty, helperPath: "", paths: view.paths)
        let plan = try target.runPlan
        let chosen = name ?? defaultContainer(view)
        guard let containerPlan = plan.allContainers.first(where: { $0.name == chosen }) else {
            throw PodError(.notFound, "container \(chosen) not found in pod \(view.key.name): its containers are \(plan.allContainers.map(\.name).joined(separator: ", "))")
        }
        let records = (view.status?.containers ?? []) + (view.status?.initContainers ?? [])
        // With the supervisor gone (the pod's status is Unknown, as a pod on a lost node) a
        // container may still run: exec reaches it while its recorded pid is still in the
        // container's cgroup, which a reused pid never is.
        guard let pid = records.first(where: { $0.name == chosen })?.pid,
              view.supervisorAlive || plan.cgroups?.holds(pid, container: chosen) == true else {
            throw PodError(.invalidArgument, "unable to upgrade connection: container \(chosen) in pod \(view.key.name) is not running\(notRunningHint(view))")
        }
        return ExecTarget(pid: pid, plan: containerPlan, helperPath: plan.helperPath, paths: view.paths, idMap: plan.idMap, rootless: plan.rootless, cgroups: plan.cgroups)
    }

    /// What to do about a container that is not running: nothing to add while the
    /// supervisor runs (it restarts or reports it); without it, the pod's status is Unknown.
    public static func notRunningHint(_ view: PodView) -> String {
        view.supervisorAlive ? "" : "; the pod's supervisor is not running, so its status is Unknown: podctl delete pod \(view.key.name) -n \(view.key.namespace) and apply it again"
    }

    /// kubectl's choice without -c: the `kubectl.kubernetes.io/default-container`
    /// annotation, else the first container.
    public static func defaultContainer(_ view: PodView) -> String {
        view.manifest.metadata?.annotations?["kubectl.kubernetes.io/default-container"] ?? view.manifest.spec?.containers?.first?.name ?? ""
    }

    /// The exec helper's plan: the container's environment, working directory, user and
    /// confinement (capabilities, no_new_privs, seccomp), as the runtimes give an exec.
    public func launchPlan(command: [String], tty: Bool) -> LaunchPlan {
        var launch = LaunchPlan.exec(into: plan, pid: pid, idMap: idMap, rootless: rootless, command: command, tty: tty)
        launch.cgroupProcs = cgroupProcs()
        return launch
    }
}

extension ContainerPlan {
    static let empty = ContainerPlan(name: "", image: "", imageID: "", argv: [], env: [], cwd: "/", uid: 0, gid: 0, groups: [], lowerDirs: [], mounts: [], readOnlyRoot: false, useInit: false, isSidecar: false, stopSignal: SIGTERM, stdin: false, tty: false, specHash: "")
}
