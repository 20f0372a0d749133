import Foundation
import Glibc
import PodCore
import PodJSONPath
import PodModel
import PodRuntime
import PodStore

/// `get pods -w` and `--watch-only`: kubectl prints the pods, then a pod again each time
/// the API server tells it the pod changed, until interrupted. podctl has no change
/// notification across pods (`wait` polls too, Wait.swift), so this reads the state every
/// 100 ms and prints each pod whose printed form changed: for tables its row less AGE
/// (which moves every second while the pod stays the same), else its whole object. A pod
/// that goes is printed once more as last seen, as kubectl prints a DELETED object.
struct PodWatch {
    let context: Context
    let names: [String]
    let selector: LabelSelector?
    let namespace: String
    let allNamespaces: Bool
    let format: GetOutput
    let labels: LabelColumns

    static let pollInterval: useconds_t = 100_000

    func run(initial: Bool) throws -> Never {
        // A named pod must exist when the watch starts (kubectl: NotFound).
        for name in names { _ = try context.view(name, namespace: namespace) }
        Interruptible.unblockStopSignals()
        var printer = WatchPrinter(format: format, allNamespaces: allNamespaces, labels: labels)
        var seen: [PodKey: (signature: String, view: PodView)] = [:]
        var first = true
        var lastProblem = ""
        while true {
            if let views = snapshot(&lastProblem) {
                var current: [PodKey: (signature: String, view: PodView)] = [:]
                var changed: [PodView] = []
                for view in views {
                    let signature = try printer.signature(view)
                    current[view.key] = (signature, view)
                    if seen[view.key]?.signature != signature { changed.append(view) }
                }
                changed += seen.keys.filter { current[$0] == nil }.sorted().compactMap { seen[$0]?.view }
                if first && !initial { changed = [] }
                if first && initial && views.isEmpty, case .table = format { printer.noResources(namespace) }
                try printer.print(changed)
                seen = current
                first = false
            }
            usleep(Self.pollInterval)
        }
    }

    /// The pods now; nil when the state cannot be read this time (a pod being created or
    /// deleted under us), with the reason printed once, not at every poll.
    private func snapshot(_ lastProblem: inout String) -> [PodView]? {
        do {
            if let selector { return try PodSelection.matching(context, selector, namespace: allNamespaces ? nil : namespace) }
            if names.isEmpty { return try context.manager.list(namespace: allNamespaces ? nil : namespace) }
            var views: [PodView] = []
            for name in names {
                if let view = try context.manager.view(try PodKey(namespace: namespace, name: name)) { views.append(view) }
            }
            return views
        } catch {
            if error.description != lastProblem { Terminal.warning("cannot read the pods, retrying: \(error)") }
            lastProblem = error.description
            return nil
        }
    }
}

/// What a watch prints for each change, in the chosen format; flushed at once, since the
/// reader is usually a pipe.
struct WatchPrinter {
    let format: GetOutput
    let allNamespaces: Bool
    let labels: LabelColumns
    private var table = StreamingTable()

    init(format: GetOutput, allNamespaces: Bool, labels: LabelColumns) {
        self.format = format
        self.allNamespaces = allNamespaces
        self.labels = labels
    }

    /// What must change for a pod to be printed again.
    func signature(_ view: PodView) throws(PodError) -> String {
        if case let .table(wide) = format { return cells(view, wide: wide).enumerated().filter { $0.offset != ageColumn }.map(\.element).joined(separator: "\t") }
        return try GetOutput.tree(view).compactJSON
    }

    private var ageColumn: Int { allNamespaces ? 5 : 4 }

    /// The row `get` prints for the pod (Get.printTable).
    private func cells(_ view: PodView, wide: Bool) -> [String] {
        let row = (allNamespaces ? [view.key.namespace] : []) + [view.key.name, view.readyColumn, view.displayStatus, String(view.restarts), view.age]
        return row + (wide ? [view.status?.podIP ?? "<none>", ProcessInfo.processInfo.hostName] : []) + labels.cells(view.manifest.metadata?.labels)
    }

    private func header(wide: Bool) -> [String] {
        (allNamespaces ? ["NAMESPACE"] : []) + ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (wide ? ["IP", "NODE"] : []) + labels.header
    }

    func noResources(_ namespace: String) {
        Terminal.standardError(allNamespaces ? "No resources found" : "No resources found in \(namespace) namespace.")
    }

    mutating func print(_ views: [PodView]) throws(PodError) {
        guard !views.isEmpty else { return }
        switch format {
        case let .table(wide): table.print(header: header(wide: wide), views.map { cells($0, wide: wide) })
        case let .customColumns(columns):
            var body: [[String]] = []
            for view in views { body.append(try columns.row(try GetOutput.tree(view))) }
            table.print(header: columns.headers, body)
        case .name: views.forEach { Swift.print("pod/\($0.key.name)") }
        case .json: for view in views { Swift.print(try PodPrinter.json([view], single: true)) }
        case .yaml: for view in views { Swift.print("---\n" + (try PodPrinter.yaml([view], single: true)), terminator: "") }
        case let .jsonPath(template):
            for view in views { Swift.print(try GetOutput.render([view], single: true, jsonPath: template), terminator: "") }
        }
        fflush(nil)  // every stream: naming stdout is not concurrency-safe in Swift 6
    }
}
