import ArgumentParser
import Foundation
import PodCore
import PodRuntime

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach to the main process of a running container.",
        discussion: "podctl attach web -c shell -i -t; Ctrl-P Ctrl-Q detaches and leaves the container running. Without -i only the output is streamed.")

    @OptionGroup var streams: StreamOptions

    @Flag(name: .shortAndLong, help: "Print no messages of podctl's own.")
    var quiet = false

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The pod.")
    var pod: String

    func run() throws {
        let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
        let view = try Context(global).view(name, namespace: streams.namespace)
        try AttachCommand(pod: name, container: streams.container, stdin: streams.stdin, tty: streams.tty, quiet: quiet).run(view)
    }
}

/// What attach and run -i share: the session and kubectl's messages around it.
struct AttachCommand {
    let pod: String
    let container: String?
    let stdin: Bool
    let tty: Bool
    let quiet: Bool

    func run(_ view: PodView) throws(PodError) {
        let session = try AttachSession(view, container: container, stdin: stdin)
        if tty && !session.tty && !quiet {
            Terminal.warning("Unable to use a TTY - container \(session.container) did not allocate one")
        }
        if stdin && !session.hasInput && !quiet {
            Terminal.warning("container \(session.container) takes no input (stdin is false, or stdinOnce and a session already ended): streaming its output only")
        }
        let interactive = stdin && tty && session.tty && session.hasInput
        if interactive && !quiet { Terminal.standardError("If you don't see a command prompt, try pressing enter.") }
        _ = session.run(raw: tty)
        session.close()
        if interactive && !quiet {
            Terminal.standardError("Session ended, resume using 'podctl attach \(pod) -c \(session.container) -i -t' command when the pod is running")
        }
    }
}
