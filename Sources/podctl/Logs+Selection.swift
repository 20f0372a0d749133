import ArgumentParser
import Foundation
import PodCore
import PodLogs
import PodModel
import PodRuntime

extension Logs {
    /// The options every pod's logs are read with.
    func logOptions(tail: Int?) throws(PodError) -> LogOptions {
        var options = LogOptions(tail: tail, timestamps: timestamps, previous: previous, limitBytes: limitBytes)
        if let since { options.since = try LogOptions.since(since) }
        if let sinceTime { options.since = try LogOptions.sinceTime(sinceTime) }
        return options
    }

    /// `logs -l SELECTOR`: the logs of every pod the selector picks, one pod after the
    /// other (sorted by name), each pod's default container or -c, or all with
    /// --all-containers. As kubectl, --tail defaults to 10 with a selector, and a name
    /// together with -l is a usage error.
    func printSelected(_ selector: LabelSelector) throws {
        if pod != nil { throw PodError(.invalidArgument, "only a selector (-l) or a POD name is allowed") }
        let views = try PodSelection.matching(try Context(global), selector, namespace: namespace)
        if views.isEmpty { return PodSelection.noneFound(namespace: namespace) }
        let output = FileHandle.standardOutput
        let emit: (LogLine) -> Bool = { line in output.write(Data(line.bytes)); return true }
        for view in views {
            let name = view.key.name
            let names = (view.manifest.spec?.allContainers ?? []).compactMap(\.name)
            var options = try logOptions(tail: tail ?? 10)
            if allContainers {
                try ContainerLogReader.readAll(podDirectory: view.paths.directory, pod: name, containers: names, options, prefix: prefix, to: emit)
                continue
            }
            let chosen = try chooseContainer(view, names: names)
            if prefix { options.prefix = LogPrefix.kubectl(pod: name, container: chosen) }
            try ContainerLogReader(podDirectory: view.paths.directory, pod: name, container: chosen).read(options, to: emit)
        }
    }
}
