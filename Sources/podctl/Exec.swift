import ArgumentParser
import Foundation
import Glibc
import PodCore
import PodLaunch
import PodRuntime

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a running container.",
        discussion: "podctl exec web -c content -- ls /www; the exit code is the command's.")

    @OptionGroup var streams: StreamOptions

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The pod.")
    var pod: String

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func run() throws {
        if command.isEmpty { throw ValidationError("give the command after --: podctl exec \(pod) -- sh") }
        let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
        let view = try Context(global).view(name, namespace: streams.namespace)
        // The container's exec plan pins its process with a pidfd (D59); a pod started by
        // a podctl without exec plans, or a container not started yet, takes the run plan.
        let container = streams.container ?? ExecTarget.defaultContainer(view)
        if NameRules.isLabel(container), let plan = try PinnedExec.load(PinnedExec.directory(podRunDirectory: view.paths.runDirectory) + "/" + container, container: container) {
            switch try PinnedExec.pin(plan) {
            case let .pinned(pidfd):
                Foundation.exit(try PinnedExec.run(plan, target: pidfd, command: command, tty: streams.tty, interactive: streams.stdin))
            case let .notRunning(why):
                throw PinnedExec.notRunning(container, pod: view.key.name, why: why, hint: ExecTarget.notRunningHint(view))
            }
        }
        let target = try ExecTarget.find(view, container: streams.container)
        let plan = try target.launchPlan(command: command, tty: streams.tty)
        let launcher = HelperLauncher(helperPath: target.helperPath)
        let code = try ExecSession(launcher: launcher, plan: plan, interactive: streams.stdin, tty: streams.tty).run()
        Foundation.exit(code)
    }
}
