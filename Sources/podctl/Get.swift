import ArgumentParser
import Foundation
import PodCore
import PodRuntime
import Yams

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show pods: a table, or -o wide|json|yaml|name|jsonpath=…|custom-columns=….",
        discussion: "podctl get pods; podctl get pod web -o yaml; podctl get pods -A; podctl get pods -l app=web --show-labels; podctl get pods -o jsonpath='{.items[*].metadata.name}'; podctl get pods -w")

    @Argument(help: "pods [NAME...], or pod/NAME.")
    var resource: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("wide, json, yaml, name, jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC or custom-columns-file=FILE.", valueName: "format"))
    var output: String?

    @Flag(name: .shortAndLong, help: "After the pods, print each pod again whenever it changes, until interrupted.")
    var watch = false

    @Flag(name: .long, help: "Print only the changes, not the pods as they are now.")
    var watchOnly = false

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @Flag(name: [.customShort("A"), .long], help: "Pods of every namespace.")
    var allNamespaces = false

    @OptionGroup var selection: SelectorOption

    @Flag(help: "A LABELS column with every label of the pod.")
    var showLabels = false

    @Option(name: [.customShort("L"), .customLong("label-columns")], help: ArgumentHelp("A column with the value of these labels (-L a,b or -L a -L b).", valueName: "key"))
    var labelColumns: [String] = []

    @OptionGroup var global: GlobalOptions

    func run() throws {
        if let first = resource.first, Self.eventResources.contains(first) { return try runEvents() }
        if let (kind, names) = ConfigCommands.names(resource) {
            try ClaimCommands.refuseOptions(["-w": watch || watchOnly, "-A": allNamespaces, "-l": selection.selector != nil,
                                             "-L/--show-labels": showLabels || !labelColumns.isEmpty])
            return try ConfigCommands.get(kind, names, namespace: namespace, output: output, context: try Context(global))
        }
        if let claims = ClaimCommands.names(resource) {
            try ClaimCommands.refuseOptions(["-o": output != nil, "-w": watch || watchOnly, "-A": allNamespaces, "-l": selection.selector != nil,
                                             "-L/--show-labels": showLabels || !labelColumns.isEmpty])
            return try ClaimCommands.get(claims, namespace: namespace, context: try Context(global))
        }
        let names = try ResourceArgument.podNames(resource)
        let selector = try selection.parsed()
        try PodSelection.refuseNames(names, with: selector)
        let format = try GetOutput(output)
        let context = try Context(global)
        if watch || watchOnly {
            let watcher = PodWatch(context: context, names: names, selector: selector, namespace: namespace, allNamespaces: allNamespaces, format: format,
                                   labels: LabelColumns(labelColumns, showLabels: showLabels))
            try watcher.run(initial: !watchOnly)
        }
        let views: [PodView]
        var damaged: [DamagedPod] = []
        if let selector {
            // A damaged pod's labels cannot be read, so a selector never picks it; `get` without one lists it.
            views = try PodSelection.matching(context, selector, namespace: allNamespaces ? nil : namespace)
        } else if names.isEmpty {
            let listing = try context.manager.listing(namespace: allNamespaces ? nil : namespace)
            views = listing.views
            damaged = listing.damaged
            // Each damaged pod is named with what to do; the healthy ones are listed all the same.
            for pod in damaged { Terminal.warning("pod \(pod.key): \(pod.error)") }
        } else {
            views = try names.map { name throws(PodError) in try context.view(name, namespace: namespace) }
        }
        switch format {
        case let .table(wide): printTable(views, damaged: damaged, wide: wide)
        case .name: views.forEach { print("pod/\($0.key.name)") }
        case .json: print(try PodPrinter.json(views, single: names.count == 1))
        case .yaml: print(try PodPrinter.yaml(views, single: names.count == 1), terminator: "")
        case let .jsonPath(template): print(try GetOutput.render(views, single: names.count == 1, jsonPath: template), terminator: "")
        case let .customColumns(columns):
            guard !views.isEmpty else { return printTable(views, damaged: damaged, wide: false) }  // kubectl's "No resources found"
            print(try GetOutput.render(views, columns: columns), terminator: "")
        }
    }

    private func printTable(_ views: [PodView], damaged: [DamagedPod], wide: Bool) {
        if views.isEmpty && damaged.isEmpty {
            Terminal.standardError(allNamespaces ? "No resources found" : "No resources found in \(namespace) namespace.")
            return
        }
        let labels = LabelColumns(labelColumns, showLabels: showLabels)
        var rows = [(allNamespaces ? ["NAMESPACE"] : []) + ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (wide ? ["IP", "NODE"] : []) + labels.header]
        for view in views {
            var row = (allNamespaces ? [view.key.namespace] : []) + [view.key.name, view.readyColumn, view.displayStatus, String(view.restarts), view.age]
            if wide { row += [view.status?.podIP ?? "<none>", ProcessInfo.processInfo.hostName] }
            rows.append(row + labels.cells(view.manifest.metadata?.labels))
        }
        // A damaged pod keeps its place in the sorted list, with what is damaged as its STATUS.
        for pod in damaged {
            var row = (allNamespaces ? [pod.key.namespace] : []) + [pod.key.name, "0/0", pod.displayStatus, "0", "<unknown>"]
            if wide { row += ["<none>", ProcessInfo.processInfo.hostName] }
            rows.append(row + labels.cells(nil))
        }
        let header = rows.removeFirst()
        rows.sort { ($0[0], $0[1]) < ($1[0], $1[1]) }
        print(Table.render([header] + rows), terminator: "")
    }
}

/// kubectl's table: columns padded to the widest cell, three spaces apart.
enum Table {
    static func render(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined() + "\n"
        }.joined()
    }
}

enum PodPrinter {
    static func json(_ views: [PodView], single: Bool) throws(PodError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            let data = single ? try encoder.encode(views[0].apiObject) : try encoder.encode(PodList(items: views.map(\.apiObject)))
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw PodError(.internal, "cannot encode pods as JSON", cause: .text("\(error)"))
        }
    }

    static func yaml(_ views: [PodView], single: Bool) throws(PodError) -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        do {
            return single ? try encoder.encode(views[0].apiObject) : try encoder.encode(PodList(items: views.map(\.apiObject)))
        } catch {
            throw PodError(.internal, "cannot encode pods as YAML", cause: .text("\(error)"))
        }
    }

    struct PodList: Encodable {
        let apiVersion = "v1"
        let kind = "List"
        let items: [PodObject]
    }
}
