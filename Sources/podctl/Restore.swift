import ArgumentParser
import PodCore
import PodRuntime
import PodStore

/// `podctl restore`: run at boot by deploy/podctl-restore.service (docs/runtime.md,
/// "After a reboot"). One pod's failure never stops the others.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring pods back after a reboot or a crash, as their restart policy asks.",
        discussion: "podctl restore -A (what the boot unit runs); podctl restore -n NS; --dry-run shows what it would do. Pods whose supervisor is alive are left alone, so running it twice changes nothing.")

    @Option(name: .shortAndLong, help: "The namespace (default: default).")
    var namespace: String?

    @Flag(name: [.customShort("A"), .long], help: "Pods of every namespace.")
    var allNamespaces = false

    @Flag(help: "Say what would be done; change nothing.")
    var dryRun = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        if allNamespaces && namespace != nil { throw ValidationError("give -n or -A, not both") }
        let context = try Context(global)
        let wanted = allNamespaces ? nil : namespace ?? "default"
        let keys = try context.store.podKeys().filter { wanted == nil || $0.namespace == wanted }
        var failures = 0
        for key in keys {
            do {
                print(Self.line(key, try context.manager.restore(key, dryRun: dryRun), dryRun: dryRun))
            } catch {
                Terminal.error(error.description)
                failures += 1
            }
        }
        if !dryRun {
            // After a reboot the names responder is not running and the names file may
            // list pods that stayed down: both follow the pods restore brought back.
            do { try context.manager.syncPodNames() } catch { Terminal.warning("pod names (docs/network.md, \"Names\") not updated: \(error)") }
            context.reclaimGonePods()
        }
        if failures > 0 { throw PodError(.system, "\(failures) of \(keys.count) pods were not restored (see above)") }
    }

    static func line(_ key: PodKey, _ outcome: RestoreOutcome, dryRun: Bool) -> String {
        let pod = "pod \"\(key.name)\"" + (key.namespace == "default" ? "" : " -n \(key.namespace)")
        switch outcome {
        case let .running(pid): return "\(pod) running (supervisor \(pid)): left as it is"
        case let .started(ip): return "\(pod) \(dryRun ? "would be started again" : "started again")" + (ip.map { " at \($0)" } ?? "")
        case let .finished(phase): return "\(pod) \(dryRun ? "would stay" : "stays") \(phase) (its restart policy does not run it again)"
        }
    }
}
