import ArgumentParser
import PodCore
import PodModel
import PodRuntime
import PodStore

struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Set or remove labels of pods, as kubectl label; running containers are left alone.",
        discussion: """
            podctl label pod web tier=frontend; podctl label pod web tier=backend --overwrite; \
            podctl label pod web tier- (remove); podctl label pods -l app=web canary=true; podctl label pods --all env=dev. \
            A later apply of the pod's file sets the labels back to the file's.
            """)

    @Argument(help: "pod NAME... (or pod/NAME), then KEY=VALUE to set and KEY- to remove.")
    var arguments: [String] = []

    @OptionGroup var options: MetadataCommandOptions

    func run() throws {
        try MetadataCommand(kind: .label, arguments: arguments, options: options).run()
    }
}

struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Set or remove annotations of pods, as kubectl annotate; running containers are left alone.",
        discussion: """
            podctl annotate pod web note='first try'; podctl annotate pod web note=again --overwrite; \
            podctl annotate pod web note- (remove); podctl annotate pods -l app=web owner=ops.
            """)

    @Argument(help: "pod NAME... (or pod/NAME), then KEY=VALUE to set and KEY- to remove.")
    var arguments: [String] = []

    @OptionGroup var options: MetadataCommandOptions

    func run() throws {
        try MetadataCommand(kind: .annotation, arguments: arguments, options: options).run()
    }
}

struct MetadataCommandOptions: ParsableArguments {
    @Flag(help: "Replace the value of a key the pod already has (without it, that is an error).")
    var overwrite = false

    @OptionGroup var selection: SelectorOption

    @Flag(help: "Every pod of the namespace.")
    var all = false

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @Flag(name: [.customShort("A"), .long], help: "With -l or --all: pods of every namespace.")
    var allNamespaces = false

    @OptionGroup var global: GlobalOptions
}

/// What label and annotate share: kubectl's argument rules (resources, then changes),
/// the pods picked by name, -l or --all, and one line per pod (`pod/web labeled`).
/// Each pod is changed under its own lock; a failure on one pod does not stop the others.
struct MetadataCommand {
    let kind: MetadataEdit.Kind
    let arguments: [String]
    let options: MetadataCommandOptions

    func run() throws {
        let (resources, changes) = try MetadataEdit.splitArguments(arguments, kind: kind)
        guard !resources.isEmpty else {
            throw PodError(.invalidArgument, "one or more resources must be specified as <resource> <name> or <resource>/<name>")
        }
        guard !changes.isEmpty else { throw PodError(.invalidArgument, "at least one \(kind.rawValue) update is required") }
        let edit = try MetadataEdit.parse(changes, kind: kind)
        let context = try Context(options.global)
        var failure: PodError?
        let keys = try selectedKeys(try ResourceArgument.podNames(resources), context: context)
        for key in keys {
            do {
                let outcome = try context.manager.editMetadata(key, edit, overwrite: options.overwrite)
                if kind == .label { outcome.missing.forEach { print("label \"\(FieldError.printable($0))\" not found.") } }
                print("pod/\(key.name) \(outcome.verb)")
            } catch {
                // One pod: its error alone, as kubectl prints it; several: each, then a summary.
                if keys.count == 1 { throw error }
                Terminal.error(error.description)
                failure = failure ?? error
            }
        }
        if let failure { throw PodError(failure.code, "not every pod was \(kind == .label ? "labeled" : "annotated")") }
    }

    private func selectedKeys(_ names: [String], context: Context) throws(PodError) -> [PodKey] {
        var selector = try options.selection.parsed()
        try PodSelection.refuseAll(options.all, with: selector)
        if options.all { selector = .everything }
        try PodSelection.refuseNames(names, with: selector)
        guard let selector else {
            guard !names.isEmpty else { throw PodError(.invalidArgument, "resource(s) were provided, but no name was specified") }
            return try names.map { name throws(PodError) in try PodKey(namespace: options.namespace, name: name) }
        }
        let keys = try PodSelection.matching(context, selector, namespace: options.allNamespaces ? nil : options.namespace).map(\.key)
        if keys.isEmpty { PodSelection.noneFound(namespace: options.allNamespaces ? nil : options.namespace) }
        return keys
    }
}
