import ArgumentParser
import Foundation
import Glibc
import PodCore
import PodRuntime
import PodStore

/// `podctl events`: every pod's events in one list, oldest first, as `kubectl events`
/// prints them (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE). Events live in each pod's
/// status (PodStatusRecord.events, what describe shows), so they go with their pod.
struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the pods' events, oldest first, as kubectl events.",
        discussion: "podctl events; podctl events --for pod/web; podctl events -A -w")

    @Option(name: .customLong("for"), help: ArgumentHelp("Only the events of this pod.", valueName: "pod/NAME"))
    var object: String?

    @Flag(name: .shortAndLong, help: "After the events, print new ones as they come, until interrupted.")
    var watch = false

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @Flag(name: [.customShort("A"), .long], help: "Events of every namespace.")
    var allNamespaces = false

    @OptionGroup var global: GlobalOptions

    static let pollInterval: useconds_t = 250_000

    func run() throws {
        let name = try object.map(Self.podName)
        let context = try Context(global)
        if let name { _ = try context.view(name, namespace: namespace) }  // kubectl: NotFound
        var printed = Set<String>()
        var table = StreamingTable()
        let first = try collect(context, name: name)
        if first.isEmpty && !watch {
            return Terminal.standardError(allNamespaces ? "No events found." : "No events found in \(namespace) namespace.")
        }
        print(first, to: &table, printed: &printed)
        if watch { Interruptible.unblockStopSignals() }
        while watch {
            usleep(Self.pollInterval)
            guard let events = try? collect(context, name: name) else { continue }
            print(events.filter { !printed.contains($0.identity) }, to: &table, printed: &printed)
        }
    }

    /// `--for pod/NAME` (kubectl's form; `pods/` and `po/` too).
    static func podName(_ text: String) throws(PodError) -> String {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, ["pod", "pods", "po"].contains(parts[0].lowercased()), !parts[1].isEmpty else {
            throw PodError(.invalidArgument, "--for must be pod/NAME (podctl manages pods only), not \"\(text)\"")
        }
        return parts[1]
    }

    private func collect(_ context: Context, name: String?) throws(PodError) -> [PodEvent] {
        let views = try context.manager.list(namespace: allNamespaces ? nil : namespace)
        return PodEvent.sorted(views.filter { name == nil || $0.key.name == name })
    }

    private func print(_ events: [PodEvent], to table: inout StreamingTable, printed: inout Set<String>) {
        let now = Date()
        let header = (allNamespaces ? ["NAMESPACE"] : []) + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        table.print(header: header, events.map { (allNamespaces ? [$0.pod.namespace] : []) + $0.cells(now: now) })
        printed.formUnion(events.map(\.identity))
    }
}

/// One event with its pod, for the merged list.
struct PodEvent {
    let pod: PodKey
    let record: EventRecord

    /// An event counted again (x2, x3) is news to a watcher: the count is part of it.
    var identity: String {
        "\(pod)\u{0}\(record.reason)\u{0}\(record.object ?? "")\u{0}\(record.message)\u{0}\(record.count)\u{0}\(record.lastTimestamp)"
    }

    func cells(now: Date) -> [String] {
        [record.lastSeen(now: now), record.type.rawValue, record.reason, "pod/\(pod.name)", record.message.trimmingCharacters(in: .whitespacesAndNewlines)]
    }

    /// By the time last seen (RFC 3339 sorts as text), ties in each pod's own order.
    static func sorted(_ views: [PodView]) -> [PodEvent] {
        let all = views.flatMap { view in (view.status?.events ?? []).map { PodEvent(pod: view.key, record: $0) } }
        return all.enumerated().sorted { ($0.element.record.lastTimestamp, $0.offset) < ($1.element.record.lastTimestamp, $1.offset) }.map(\.element)
    }
}
