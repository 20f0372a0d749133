import ArgumentParser
import Foundation
import PodCore
import PodModel
import PodRuntime
import PodStore

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show a pod in detail, as kubectl describe: containers, conditions, volumes, events.",
        discussion: "podctl describe pod web; podctl describe pods (every pod); podctl describe pods -l app=web; podctl describe pod/web -n team")

    @Argument(help: "pod NAME... (or pod/NAME), or pods for every pod.")
    var resource: [String] = []

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @Flag(name: [.customShort("A"), .long], help: "Pods of every namespace.")
    var allNamespaces = false

    @OptionGroup var selection: SelectorOption

    @OptionGroup var global: GlobalOptions

    func run() throws {
        if let (kind, names) = ConfigCommands.names(resource) {
            try ClaimCommands.refuseOptions(["-A": allNamespaces, "-l": selection.selector != nil])
            return try ConfigCommands.describe(kind, names, namespace: namespace, context: try Context(global))
        }
        if let claims = ClaimCommands.names(resource) {
            try ClaimCommands.refuseOptions(["-A": allNamespaces, "-l": selection.selector != nil])
            return try ClaimCommands.describe(claims, namespace: namespace, context: try Context(global))
        }
        let names = try ResourceArgument.podNames(resource)
        let selector = try selection.parsed()
        try PodSelection.refuseNames(names, with: selector)
        let context = try Context(global)
        var views: [PodView] = []
        var failure: PodError?
        if names.isEmpty {
            var damaged: [DamagedPod] = []
            if let selector {
                // A damaged pod's labels cannot be read, so a selector never picks it.
                views = try PodSelection.matching(context, selector, namespace: allNamespaces ? nil : namespace)
            } else {
                let listing = try context.manager.listing(namespace: allNamespaces ? nil : namespace)
                views = listing.views
                damaged = listing.damaged
                for pod in damaged { Terminal.warning("pod \(pod.key): \(pod.error)") }
            }
            if views.isEmpty && damaged.isEmpty {
                Terminal.standardError(allNamespaces ? "No resources found" : "No resources found in \(namespace) namespace.")
                return
            }
        } else {
            for name in names {
                do {
                    views.append(try context.view(name, namespace: namespace))
                } catch {
                    // As kubectl: a single name that is no pod describes the pods it begins.
                    let matching = names.count == 1 && error.code == .notFound
                        ? try context.manager.list(namespace: namespace).filter { $0.key.name.hasPrefix(name) } : []
                    if matching.isEmpty {
                        Terminal.error(error.description)
                        failure = failure ?? error
                    }
                    views += matching
                }
            }
        }
        let node = ProcessInfo.processInfo.hostName
        let texts = views.map { view in
            let uid = (try? RunPlan.readIfPresent(from: view.paths.runPlan))??.uid
            return view.describe(node: node, uid: uid)
        }
        print(texts.joined(separator: "\n\n"), terminator: "")
        if let failure { throw PodError(failure.code, views.isEmpty ? "no pod was described" : "not every pod was described") }
    }
}
