import ArgumentParser
import Foundation
import PodCore
import PodModel
import PodRuntime
import PodStore

struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Stop pods gracefully and remove every trace of them.",
        discussion: "podctl delete pod web; podctl delete -f pods/web.yaml; podctl delete pods -l app=web; podctl delete pods --all; --grace-period=0 --now for an immediate stop.")

    @Argument(help: "pod NAME... (or pod/NAME).")
    var resource: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Delete the pods of these manifests.", valueName: "file"))
    var filename: [String] = []

    @Option(help: "Seconds to wait for a graceful stop (default: the pod's terminationGracePeriodSeconds).")
    var gracePeriod: Int?

    @Flag(help: "Stop at once: the same as --grace-period=1, as kubectl.")
    var now = false

    @Flag(help: "Do not fail when a pod does not exist.")
    var ignoreNotFound = false

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String?

    @OptionGroup var selection: SelectorOption

    @Flag(help: "Every pod of the namespace: podctl delete pods --all.")
    var all = false

    @Flag(name: [.customShort("A"), .long], help: "With -l or --all: pods of every namespace.")
    var allNamespaces = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let context = try Context(global)
        if let (kind, names) = ConfigCommands.names(resource) {
            try ClaimCommands.refuseOptions(["-l": selection.selector != nil, "--all": all, "-A": allNamespaces, "-f": !filename.isEmpty])
            if names.isEmpty { throw ValidationError("give the \(kind.plural) to delete: podctl delete \(kind.resource) NAME") }
            return try ConfigCommands.delete(kind, names, namespace: namespace ?? "default", ignoreNotFound: ignoreNotFound, context: context)
        }
        if let claims = ClaimCommands.names(resource) {
            try ClaimCommands.refuseOptions(["-l": selection.selector != nil, "--all": all, "-A": allNamespaces, "-f": !filename.isEmpty])
            if claims.isEmpty { throw ValidationError("give claims to delete: podctl delete pvc NAME") }
            return try ClaimCommands.delete(claims, namespace: namespace ?? "default", ignoreNotFound: ignoreNotFound, context: context)
        }
        let selected = try selectedKeys(context)
        var keys: [PodKey] = selected ?? []
        if selected == nil && !filename.isEmpty {
            let set = try ManifestInput.load(filename, namespace: namespace)
            keys += try set.pods.map { pod throws(PodError) in try PodKey(namespace: pod.namespace, name: pod.name) }
        }
        if selected == nil && !resource.isEmpty {
            keys += try ResourceArgument.podNames(resource).map { name throws(PodError) in try PodKey(namespace: namespace ?? "default", name: name) }
        }
        if keys.isEmpty && selected == nil { throw ValidationError("give pods to delete: podctl delete pod NAME, -f FILE, -l SELECTOR or --all") }
        let grace = now ? 1 : gracePeriod.map(Double.init)
        var failure: PodError?
        for key in keys {
            do {
                let warnings = try context.manager.delete(key, grace: grace)
                warnings.forEach(Terminal.warning)
                print("pod \"\(key.name)\" deleted")
            } catch {
                if error.code == .notFound && (ignoreNotFound || selected != nil) { continue }
                Terminal.error(error.description)
                failure = failure ?? error
            }
        }
        context.reclaimGonePods(thorough: false)
        if let failure { throw PodError(failure.code, "not every pod was deleted") }
    }
}
