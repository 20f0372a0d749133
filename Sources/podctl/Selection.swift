import ArgumentParser
import PodCore
import PodModel
import PodRuntime

/// `-l/--selector`, as every command that picks pods takes it (kubectl's grammar:
/// `app=web`, `tier!=db`, `env in (a,b)`, `!canary`; comma is AND).
struct SelectorOption: ParsableArguments {
    @Option(name: [.customShort("l"), .long], help: ArgumentHelp("Pods whose labels match: app=web, tier in (a,b), !canary (comma: and).", valueName: "selector"))
    var selector: String?

    /// The parsed selector, or nil without `-l`. A syntax error is exit 1 with
    /// apimachinery's message, framed as kubectl frames the API server's answer.
    func parsed() throws(PodError) -> LabelSelector? {
        guard let selector else { return nil }
        do {
            return try LabelSelector.parse(selector)
        } catch {
            throw PodError(.invalidArgument, "Unable to find pods that match label selector \"\(FieldError.printable(selector))\"", cause: .error(error))
        }
    }
}

/// The rules kubectl's resource builder applies to names, `-l` and `--all`.
enum PodSelection {
    static func refuseNames(_ names: [String], with selector: LabelSelector?) throws(PodError) {
        if selector != nil && !names.isEmpty {
            throw PodError(.invalidArgument, "name cannot be provided when a selector is specified")
        }
    }

    static func refuseAll(_ all: Bool, with selector: LabelSelector?) throws(PodError) {
        if all && selector != nil { throw PodError(.invalidArgument, "cannot set --all and --selector at the same time") }
    }

    /// The pods of `namespace` (every namespace when nil) that `selector` picks, sorted by
    /// namespace and name.
    static func matching(_ context: Context, _ selector: LabelSelector, namespace: String?) throws(PodError) -> [PodView] {
        try context.manager.list(namespace: namespace).filter { selector.matches($0.manifest.metadata?.labels) }
    }

    /// kubectl's "No resources found" line, on standard error.
    static func noneFound(namespace: String?) {
        Terminal.standardError(namespace.map { "No resources found in \($0) namespace." } ?? "No resources found")
    }
}

/// `get --show-labels` and `-L KEY`: the table columns kubectl's printer adds
/// (printers.decorateTable): one per `-L` key, headed by the key's last path segment in
/// capitals, then LABELS as `k=v,k2=v2` (sorted) or `<none>`.
struct LabelColumns {
    let keys: [String]
    let showLabels: Bool

    /// `-L a,b -L c` is three columns, as kubectl's string-slice flag splits on commas.
    init(_ options: [String], showLabels: Bool) {
        keys = options.flatMap { $0.split(separator: ",").map(String.init) }
        self.showLabels = showLabels
    }

    var header: [String] {
        keys.map { ($0.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? $0).uppercased() } + (showLabels ? ["LABELS"] : [])
    }

    func cells(_ labels: [String: String]?) -> [String] {
        let labels = labels ?? [:]
        return keys.map { FieldError.printable(labels[$0] ?? "") } + (showLabels ? [Self.format(labels)] : [])
    }

    /// apimachinery's labels.FormatLabels.
    static func format(_ labels: [String: String]) -> String {
        labels.isEmpty ? "<none>" : labels.sorted { $0.key < $1.key }.map { "\($0.key)=\(FieldError.printable($0.value))" }.joined(separator: ",")
    }
}
