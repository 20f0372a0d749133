import ArgumentParser
import Foundation
import PodCore
import PodRuntime

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top",
        abstract: "Show the CPU and memory use of running pods, as kubectl top.",
        discussion: "CPU is the CPU time used over --interval, in millicores; memory is the working set (usage less inactive file pages), as the kubelet reports it. podctl top pod; podctl top pod web --containers",
        subcommands: [TopPod.self])
}

struct TopPod: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pod", abstract: "CPU (millicores) and memory (working set) per pod or container.", aliases: ["pods", "po"])

    @Argument(help: "A pod's name; all running pods when omitted.")
    var name: String?

    @Flag(help: "One line per container.")
    var containers = false

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @Flag(name: [.customShort("A"), .long], help: "Pods of every namespace.")
    var allNamespaces = false

    @OptionGroup var selection: SelectorOption

    @Flag(help: "Leave out the header line.")
    var noHeaders = false

    @Option(help: ArgumentHelp("Sort by cpu or memory, highest first.", valueName: "cpu|memory"))
    var sortBy: String?

    @Option(help: ArgumentHelp("Seconds between the two readings CPU use is computed from.", valueName: "seconds"))
    var interval: Double = 1

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard interval > 0, interval <= 60 else { throw ValidationError("--interval must be above 0 and at most 60 seconds") }
        guard sortBy == nil || sortBy == "cpu" || sortBy == "memory" else { throw ValidationError("--sort-by must be cpu or memory") }
    }

    func run() throws {
        let selector = try selection.parsed()
        // kubectl top's own wording for a name with a selector.
        if name != nil && selector != nil { throw PodError(.invalidArgument, "only one of NAME or --selector can be provided") }
        let context = try Context(global)
        let views: [PodView]
        if let selector {
            views = try PodSelection.matching(context, selector, namespace: allNamespaces ? nil : namespace)
        } else if let name {
            let view = try context.view(name, namespace: namespace)
            guard view.readUsage() != nil else {
                throw PodError(.notFound, "metrics not available for pod \(namespace)/\(name): it is not running, or runs without cgroups")
            }
            views = [view]
        } else {
            views = try context.manager.list(namespace: allNamespaces ? nil : namespace)
        }
        let first = views.map { $0.readUsage() }
        usleep(useconds_t(interval * 1_000_000))
        var rows: [Row] = []
        for (view, before) in zip(views, first) {
            guard let before, let after = view.readUsage() else { continue }
            let seconds = after.time - before.time
            if containers {
                for (name, usage) in after.containers {
                    guard let start = before.containers.first(where: { $0.name == name })?.usage else { continue }
                    rows.append(Row(namespace: view.key.namespace, pod: view.key.name, container: name,
                                    millicores: millicores(from: start, to: usage, seconds: seconds), memory: usage.memoryWorkingSet))
                }
            } else {
                rows.append(Row(namespace: view.key.namespace, pod: view.key.name, container: nil,
                                millicores: millicores(from: before.pod, to: after.pod, seconds: seconds), memory: after.pod.memoryWorkingSet))
            }
        }
        if rows.isEmpty {
            throw PodError(.notFound, allNamespaces ? "metrics not available yet: no pod is running" : "metrics not available yet: no pod is running in namespace \(namespace)")
        }
        print(Table.render(table(sorted(rows))), terminator: "")
    }

    struct Row {
        let namespace: String
        let pod: String
        let container: String?
        let millicores: Int64
        let memory: UInt64
    }

    private func sorted(_ rows: [Row]) -> [Row] {
        switch sortBy {
        case "cpu": return rows.sorted { $0.millicores > $1.millicores }
        case "memory": return rows.sorted { $0.memory > $1.memory }
        default: return rows
        }
    }

    /// kubectl's columns: `CPU(cores)` in millicores (`250m`), `MEMORY(bytes)` in MiB (`12Mi`).
    private func table(_ rows: [Row]) -> [[String]] {
        var header = allNamespaces ? ["NAMESPACE"] : []
        header += containers ? ["POD", "NAME"] : ["NAME"]
        header += ["CPU(cores)", "MEMORY(bytes)"]
        var table = noHeaders ? [] : [header]
        for row in rows {
            var cells = allNamespaces ? [row.namespace] : []
            cells += [row.pod] + (row.container.map { [$0] } ?? [])
            cells += ["\(row.millicores)m", "\(row.memory / 1_048_576)Mi"]
            table.append(cells)
        }
        return table
    }
}
