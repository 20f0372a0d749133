import ArgumentParser
import Foundation
import PodCore
import PodLogs
import PodRuntime

struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a container's logs, as kubectl logs.",
        discussion: "podctl logs web; podctl logs web -c content -f --tail 10; --previous for the last restart; podctl logs -l app=web --prefix --all-containers.")

    @Argument(help: "The pod (NAME or pod/NAME); or -l SELECTOR for every pod it picks.")
    var pod: String?

    @Option(name: .shortAndLong, help: "The container (default: the kubectl.kubernetes.io/default-container annotation, else the first).")
    var container: String?

    @Flag(name: .shortAndLong, help: "Keep printing new lines.")
    var follow = false

    @Option(help: "Only the last N lines.")
    var tail: Int?

    @Option(help: "Only lines newer than a duration: 10s, 5m, 3h.")
    var since: String?

    @Option(help: "Only lines at or after an RFC 3339 time.")
    var sinceTime: String?

    @Flag(help: "Prefix each line with its time.")
    var timestamps = false

    @Flag(name: .shortAndLong, help: "The previous instance of the container (before its last restart).")
    var previous = false

    @Flag(help: "Every container of the pod.")
    var allContainers = false

    @Flag(help: "Prefix each line with [pod/NAME/CONTAINER].")
    var prefix = false

    @Option(help: "Stop after this many bytes.")
    var limitBytes: Int?

    @Option(name: .shortAndLong, help: "The namespace.")
    var namespace: String = "default"

    @OptionGroup var selection: SelectorOption

    @Option(help: "With -l and -f: how many containers may be followed at once.")
    var maxLogRequests = 5

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        if since != nil && sinceTime != nil { throw ValidationError("give --since or --since-time, not both") }
        if let selector = try selection.parsed() { return follow ? try await followSelected(selector) : try printSelected(selector) }
        guard let pod else { throw ValidationError("give a pod: podctl logs NAME, or podctl logs -l SELECTOR") }
        let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod
        let view = try Context(global).view(name, namespace: namespace)
        var options = try logOptions(tail: tail)
        let names = (view.manifest.spec?.allContainers ?? []).compactMap(\.name)
        let output = FileHandle.standardOutput
        let emit: (LogLine) -> Bool = { line in output.write(Data(line.bytes)); return true }
        if allContainers {
            try ContainerLogReader.readAll(podDirectory: view.paths.directory, pod: name, containers: names, options, prefix: prefix, to: emit)
            return
        }
        let chosen = try chooseContainer(view, names: names)
        if prefix { options.prefix = LogPrefix.kubectl(pod: name, container: chosen) }
        let reader = ContainerLogReader(podDirectory: view.paths.directory, pod: name, container: chosen)
        guard follow else { return try reader.read(options, to: emit) }
        let context = try Context(global)
        let key = view.key
        try await reader.follow(options, shouldStop: { Self.containerEnded(key, chosen, instance: $0, context: context) }, to: emit)
    }

    func chooseContainer(_ view: PodView, names: [String]) throws -> String {
        if let container {
            guard names.contains(container) else {
                throw PodError(.notFound, "container \(container) is not valid for pod \(view.key.name): its containers are \(names.joined(separator: ", "))")
            }
            return container
        }
        if let preferred = view.manifest.metadata?.annotations?["kubectl.kubernetes.io/default-container"], names.contains(preferred) { return preferred }
        return view.manifest.spec?.containers?.first?.name ?? names.first ?? ""
    }
}
