import Foundation
import PodCore
import PodLogs
import PodModel
import PodPlan
import PodRuntime
import PodStore
import Synchronization

extension Logs {
    /// `logs -l SELECTOR -f`: follows every container the selector picks at once (the
    /// default container, -c, or all with --all-containers), lines written whole, one at a
    /// time. Pods (and container instances) that come to match later join: the selector
    /// is evaluated again every half second, and a joiner's log is shown from its start.
    /// Each stream ends when its container stops, as `logs NAME -f` does; the command
    /// ends when no stream is left and no picked container is still to start.
    func followSelected(_ selector: LabelSelector) async throws {
        if pod != nil { throw PodError(.invalidArgument, "only a selector (-l) or a POD name is allowed") }
        let context = try Context(global)
        let output = SerializedOutput()
        let open = StreamCount()
        var seen: Set<String> = []
        var first = true
        var failure: PodError?
        await withTaskGroup(of: Void.self) { group in
            while true {
                let found: Discovery
                do { found = try discover(context, selector, seen: &seen) } catch {
                    failure = error as? PodError ?? PodError(.internal, "cannot look for the pods to follow", cause: .text("\(error)"))
                    break
                }
                if first && found.pods == 0 { return PodSelection.noneFound(namespace: namespace) }
                if first && found.streams.count > maxLogRequests {
                    failure = PodError(.invalidArgument, "you are attempting to follow \(found.streams.count) log streams, but maximum allowed concurrency is \(maxLogRequests), use --max-log-requests to increase the limit")
                    break
                }
                for stream in found.streams {
                    open.add(1)
                    // kubectl's --tail default of 10 holds for the pods there at the start; a joiner is shown whole.
                    let options = try? logOptions(tail: first ? (tail ?? 10) : tail)
                    group.addTask { await stream.follow(options ?? LogOptions(), context: context, output: output); open.add(-1) }
                }
                first = false
                if found.streams.isEmpty && !found.waiting && open.value == 0 { break }
                do { try await Task.sleep(for: .milliseconds(500)) } catch { break }
            }
        }
        if let failure { throw failure }
    }

    /// What one look at the selected pods found.
    struct Discovery {
        /// How many pods the selector picks now.
        var pods = 0
        /// Container instances (a log file each) not followed before.
        var streams: [LogStream] = []
        /// Whether a picked container of a live pod has no log yet: a later look follows it.
        var waiting = false
    }

    private func discover(_ context: Context, _ selector: LabelSelector, seen: inout Set<String>) throws -> Discovery {
        var found = Discovery()
        for view in try PodSelection.matching(context, selector, namespace: namespace) {
            found.pods += 1
            let names = (view.manifest.spec?.allContainers ?? []).compactMap(\.name)
            for container in allContainers ? names : [try chooseContainer(view, names: names)] {
                let reader = ContainerLogReader(podDirectory: view.paths.directory, pod: view.key.name, container: container)
                guard let instance = (try? reader.restarts())?.last else {
                    found.waiting = found.waiting || view.supervisorAlive
                    continue
                }
                let id = "\(view.key)/\(view.status?.startTime ?? "")/\(container)/\(instance)"
                if seen.insert(id).inserted {
                    found.streams.append(LogStream(key: view.key, reader: reader, prefix: prefix ? LogPrefix.kubectl(pod: view.key.name, container: container) : nil))
                }
            }
        }
        return found
    }

    /// `logs -f`'s end of a stream: the pod is gone, its supervisor is, or the container
    /// instance writing restart `instance`'s log no longer runs.
    static func containerEnded(_ key: PodKey, _ container: String, instance: Int, context: Context) -> Bool {
        guard let current = try? context.manager.view(key), current.supervisorAlive else { return true }
        let record = current.status?.containers.first { $0.name == container } ?? current.status?.initContainers.first { $0.name == container }
        return record?.hasEnded(instance: instance) ?? true
    }
}

/// One container instance being followed.
struct LogStream: Sendable {
    let key: PodKey
    let reader: ContainerLogReader
    let prefix: String?

    func follow(_ options: LogOptions, context: Context, output: SerializedOutput) async {
        var options = options
        options.prefix = prefix
        do {
            try await reader.follow(options, shouldStop: { Logs.containerEnded(key, reader.container, instance: $0, context: context) }) { line in
                output.write(line.bytes)
                return true
            }
        } catch {
            // A pod deleted while followed ends its stream quietly; anything else is said.
            if (try? context.manager.view(key)) != nil { Terminal.error(error.description) }
        }
    }
}

/// Standard output shared by the streams: each line is one write, never interleaved.
final class SerializedOutput: Sendable {
    private let lock = Mutex(())

    func write(_ bytes: [UInt8]) {
        lock.withLock { _ in FileHandle.standardOutput.write(Data(bytes)) }
    }
}

final class StreamCount: Sendable {
    private let count = Mutex(0)

    func add(_ delta: Int) { count.withLock { $0 += delta } }
    var value: Int { count.withLock { $0 } }
}
