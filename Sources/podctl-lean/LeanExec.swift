import Glibc
import PodCore
import PodExec
import PodLaunch

/// The fast path of `podctl exec`: the container's exec plan under the run root, read
/// without Foundation, the state store or the run plan (docs/architecture.md, D59).
enum LeanExec {
    /// The exec plan's path, or nil when the request needs the full CLI: no container
    /// named (the default container is the pod's annotation, in its manifest), or a
    /// name or root the full CLI refuses with its own message.
    static func planPath(_ request: ExecRequest, environment: (String) -> String?) -> String? {
        guard let container = request.container, NameRules.isLabel(container),
              NameRules.podNameProblem(request.pod) == nil, NameRules.namespaceProblem(request.namespace) == nil,
              let runRoot = checkedRoot(request.runRoot ?? environment("PODCTL_RUN_ROOT")
                                        ?? (try? DefaultStateRoots.runRoot(euid: geteuid(), environment: environment)) ?? "") else { return nil }
        // The store's layout (PodStore's Store.podRunDirectory): <run-root>/pods/NS/NAME.
        let podRunDirectory = "\(runRoot)/pods/\(request.namespace)/\(request.pod)"
        return PinnedExec.directory(podRunDirectory: podRunDirectory) + "/" + container
    }

    /// StoreRoots' rule: absolute, not `/`, no `..`.
    static func checkedRoot(_ path: String) -> String? {
        guard path.hasPrefix("/"), path != "/", !path.split(separator: "/").contains("..") else { return nil }
        return path
    }

    /// The command's exit code, or nil when the full CLI should take the request: there
    /// is no exec plan, or the container is not running (the full CLI says why, with
    /// what it knows of the pod's supervisor).
    static func run(_ request: ExecRequest, environment: (String) -> String?) throws(PodError) -> Int32? {
        guard let path = planPath(request, environment: environment), let container = request.container,
              let plan = try PinnedExec.load(path, container: container),
              case let .pinned(pidfd) = try PinnedExec.pin(plan) else { return nil }
        return try PinnedExec.run(plan, target: pidfd, command: request.command, tty: request.tty, interactive: request.stdin)
    }
}
