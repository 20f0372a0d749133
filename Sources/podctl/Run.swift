import ArgumentParser
import Foundation
import Glibc
import PodCore
import PodModel
import PodRuntime
import PodStore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pod of one container, as kubectl run.",
        discussion: "podctl run t --image=busybox --restart=Never -- echo hi; podctl run sh --image=busybox -it --rm -- sh")

    @Option(help: "The container image.") var image: String
    @Option(help: "Always, OnFailure or Never.") var restart = "Always"
    @Option(help: "An environment variable K=V (repeatable).") var env: [String] = []
    @Option(help: "Labels k=v,k2=v2 (default run=NAME).") var labels: String?
    @Option(help: "The port the container exposes.") var port: Int?
    @Flag(name: [.customShort("i"), .long], help: "Keep stdin open on the container and attach to it.") var stdin = false
    @Flag(name: .shortAndLong, help: "Give the container a terminal (needs -i).") var tty = false
    @Flag(help: "Delete the pod when the attached session ends.") var rm = false
    @Flag(help: "The arguments after -- are the command, not the image's arguments.") var command = false
    @Flag(name: .shortAndLong, help: "Print no messages of podctl's own.") var quiet = false
    @Flag(help: "Print the pod instead of running it (--dry-run=client).") var dryRun = false
    @Option(name: .shortAndLong, help: "With --dry-run: json, yaml or name.") var output: OutputFormat?
    @Option(name: .shortAndLong, help: "The namespace.") var namespace: String = "default"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The pod's name.") var name: String
    @Argument(parsing: .postTerminator, help: "The container's arguments (its command with --command), after --.") var arguments: [String] = []

    func validate() throws {
        // kubectl run's refusals, in its words.
        if tty && !stdin { throw ValidationError("-i/--stdin is required for containers with -t/--tty=true") }
        if rm && !stdin { throw ValidationError("--rm should only be used for attached containers") }
        if !["Always", "OnFailure", "Never"].contains(restart) { throw ValidationError("invalid restart policy: \(restart)") }
    }

    func run() throws {
        let manifest = RunManifest(name: name, namespace: namespace, image: image, restart: restart, env: env, labels: labels, port: port, stdin: stdin, tty: tty, command: command, arguments: arguments)
        let set = Manifest.parse(try manifest.json(), source: "podctl run", namespace: namespace)
        guard set.isValid, let pod = set.pods.first else {
            for line in set.errorLines { Terminal.error(line) }
            throw PodError(.invalidManifest, "podctl run made an invalid pod")
        }
        if dryRun {
            print(try ObjectPrinter.render(set.objects, as: output ?? .name), terminator: "")
            return
        }
        let context = try Context(global)
        let key = try PodKey(namespace: namespace, name: name)
        if try context.manager.view(key) != nil { throw PodError(.invalidArgument, "pods \"\(name)\" already exists") }
        let peers = context.manager.reserveAddresses(for: [pod])
        do { _ = try context.manager.apply(pod, configMaps: [], secrets: [], peers: peers[namespace] ?? [:]) } catch {
            context.manager.releaseUnusedLease(pod)
            throw error
        }
        guard stdin else {
            if !quiet { print("pod/\(name) created") }
            return
        }
        defer { if rm { remove(context, key) } }
        guard let view = try RunWait(context: context, key: key, container: name).untilRunning() else { return }
        try AttachCommand(pod: name, container: name, stdin: true, tty: tty, quiet: quiet).run(view)
    }

    private func remove(_ context: Context, _ key: PodKey) {
        do {
            _ = try context.manager.delete(key, grace: nil)
            if !quiet { print("pod \"\(key.name)\" deleted") }
        } catch {
            Terminal.error(error.description)
        }
        context.reclaimGonePods()
    }
}

/// kubectl run -i waits for the pod to run before it attaches (--pod-running-timeout,
/// one minute); a container that already ended is not attached to.
struct RunWait {
    let context: Context
    let key: PodKey
    let container: String

    func untilRunning(seconds: Double = 60) throws(PodError) -> PodView? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let view = try context.manager.view(key) else { throw PodError(.notFound, "pods \"\(key.name)\" not found") }
            let record = view.status?.containers.first { $0.name == container }
            if record?.pid != nil { return view }
            if let phase = view.status?.phase, phase == "Succeeded" || phase == "Failed" { return nil }
            // Polling the status file the supervisor rewrites (kubectl watches the API).
            usleep(50_000)
        }
        throw PodError(.invalidArgument, "timed out waiting for the condition: pod \(key.name) is not running")
    }
}
