import ArgumentParser
import Foundation
import Glibc
import PodCore
import PodOS
import PodRuntime
import PodStore

struct Wait: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for a condition on pods, as kubectl wait.",
        discussion: """
            podctl wait --for=condition=Ready pod/web; --for=condition=Ready=false; \
            --for=delete pod/web --timeout=60s; --for=jsonpath='{.status.phase}'=Running; \
            --for=condition=Ready pods -l app=web (the pods the selector picks when the wait starts). \
            Conditions: PodReadyToStartContainers, Initialized, ContainersReady, Ready, PodScheduled.
            """)

    @Argument(help: "pod/NAME... (or pod NAME...).")
    var resource: [String] = []

    @Option(name: .customLong("for"), help: ArgumentHelp("delete, create, condition=TYPE[=VALUE] or jsonpath='{PATH}'[=VALUE].", valueName: "condition"))
    var condition: String

    @Option(help: ArgumentHelp("How long to wait, a Go duration (30s, 2m, 1m30s); 0 checks once, a negative value waits a week.", valueName: "duration"))
    var timeout: String = "30s"

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @OptionGroup var selection: SelectorOption

    @Flag(help: "Every pod of the namespace.")
    var all = false

    @OptionGroup var global: GlobalOptions

    /// How often the pod's status is read.
    static let pollInterval: useconds_t = 50_000

    func run() throws {
        let wanted = try WaitCondition(parsing: condition)
        var seconds = try GoDuration.parse(timeout)
        if seconds < 0 { seconds = 7 * 24 * 3600 }
        let names = try ResourceArgument.podNames(resource)
        let context = try Context(global)
        let keys = try selectedKeys(names, wanted: wanted, context: context)
        // One deadline for all the pods, as kubectl.
        let deadline = monotonicSeconds() + seconds
        for key in keys {
            if try waitFor(key, wanted, context: context, deadline: deadline) {
                print("pod/\(key.name) condition met")  // kubectl says "condition met" for delete too
            } else {
                Terminal.error("timed out waiting for the condition on pods/\(key.name)")
                // What it waits for, when only the user can give it (D58).
                StoredObjects.warnWaiting(key, context: context)
                throw ExitCode(1)
            }
        }
    }

    /// Reads the pod's status until the condition holds (true) or the deadline passes (false).
    private func waitFor(_ key: PodKey, _ wanted: WaitCondition, context: Context, deadline: Double) throws(PodError) -> Bool {
        while true {
            let view: PodView?
            do {
                view = try context.manager.view(key)
            } catch {
                // State being removed under us (delete) reads as gone; anything else is retried.
                if wanted == .delete && error.code == .notFound { return true }
                if monotonicSeconds() >= deadline { throw error }
                usleep(Self.pollInterval)
                continue
            }
            if wanted.isMet(by: view) { return true }
            if view == nil, wanted != .create {
                throw PodError(.notFound, "pods \"\(key.name)\" not found in namespace \(key.namespace)")
            }
            if monotonicSeconds() >= deadline { return false }
            usleep(Self.pollInterval)
        }
    }
}
