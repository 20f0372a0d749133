import CPodShim
import Glibc
import PodCore
import PodLaunch
import PodPlan
import PodSupervisor

/// The running container a command is exec'd into: its init's PID, its plan, and the
/// pod's run plan it was found in (read once: the launch plan is mapped from it).
public struct ExecTarget: Sendable {
    public let pid: Int32
    public let plan: ContainerPlan
    let pod: RunPlan
    let paths: PodPaths

    /// The pod-helper the pod runs with.
    public var helperPath: String { pod.helperPath }

    /// The pod's run plan, read with the one error policy (RunPlan.read).
    static func runPlan(_ paths: PodPaths) throws(PodError) -> RunPlan {
        try RunPlan.read(from: paths.runPlan)
    }

    public static func find(_ view: PodView, container name: String?) throws(PodError) -> ExecTarget {
        let plan = try runPlan(view.paths)
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
        return ExecTarget(pid: pid, plan: containerPlan, pod: plan, paths: view.paths)
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
    public func launchPlan(command: [String], tty: Bool) throws(PodError) -> LaunchPlan {
        .exec(try pod.execLaunch(into: plan, pid: pid, command: command, tty: tty))
    }
}

extension ContainerPlan {
    static let empty = ContainerPlan(name: "", image: "", imageID: "", argv: [], env: [], cwd: "/", uid: 0, gid: 0, groups: [], lowerDirs: [], mounts: [], readOnlyRoot: false, useInit: false, isSidecar: false, stopSignal: SIGTERM, stdin: false, tty: false, specHash: "")
}
