import ArgumentParser
import Foundation
import PodCore
import PodRuntime
import Yams

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show pods: a table, or -o wide|json|yaml|name|jsonpath=…|custom-columns=….",
        discussion: "podctl get pods; podctl get pod web -o yaml; podctl get pods -A; podctl get pods -o jsonpath='{.items[*].metadata.name}'; podctl get pods -w")

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

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let names = try ResourceArgument.podNames(resource)
        let format = try GetOutput(output)
        let context = try Context(global)
        if watch || watchOnly {
            let watcher = PodWatch(context: context, names: names, namespace: namespace, allNamespaces: allNamespaces, format: format)
            try watcher.run(initial: !watchOnly)
        }
        let views: [PodView]
        if names.isEmpty {
            views = try context.manager.list(namespace: allNamespaces ? nil : namespace)
        } else {
            views = try names.map { name throws(PodError) in try context.view(name, namespace: namespace) }
        }
        switch format {
        case let .table(wide): printTable(views, wide: wide)
        case .name: views.forEach { print("pod/\($0.key.name)") }
        case .json: print(try PodPrinter.json(views, single: names.count == 1))
        case .yaml: print(try PodPrinter.yaml(views, single: names.count == 1), terminator: "")
        case let .jsonPath(template): print(try GetOutput.render(views, single: names.count == 1, jsonPath: template), terminator: "")
        case let .customColumns(columns):
            guard !views.isEmpty else { return printTable(views, wide: false) }  // kubectl's "No resources found"
            print(try GetOutput.render(views, columns: columns), terminator: "")
        }
    }

    private func printTable(_ views: [PodView], wide: Bool) {
        if views.isEmpty {
            Terminal.standardError(allNamespaces ? "No resources found" : "No resources found in \(namespace) namespace.")
            return
        }
        var rows = [(allNamespaces ? ["NAMESPACE"] : []) + ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (wide ? ["IP", "NODE"] : [])]
        for view in views {
            var row = (allNamespaces ? [view.key.namespace] : []) + [view.key.name, view.readyColumn, view.displayStatus, String(view.restarts), view.age]
            if wide { row += [view.status?.podIP ?? "<none>", ProcessInfo.processInfo.hostName] }
            rows.append(row)
        }
        print(Table.render(rows), terminator: "")
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
