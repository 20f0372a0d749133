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

    @Flag(name: [.customShort("i"), .long], help: "Pass standard input to the command.")
    var stdin = false

    @Flag(name: .shortAndLong, help: "Give the command a terminal (with -i, an interactive shell).")
    var tty = false

    @Option(name: .shortAndLong, help: "The container (default: the first).")
    var container: String?

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The pod.")
    var pod: String

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func run() throws {
        if command.isEmpty { throw ValidationError("give the command after --: podctl exec \(pod) -- sh") }
        let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
        let view = try Context(global).view(name, namespace: namespace)
        let target = try ExecTarget.find(view, container: container)
        let plan = target.launchPlan(command: command, tty: tty)
        let launcher = HelperLauncher(helperPath: target.helperPath)
        let code = try ExecSession(launcher: launcher, plan: plan, interactive: stdin, tty: tty).run()
        Foundation.exit(code)
    }
}
