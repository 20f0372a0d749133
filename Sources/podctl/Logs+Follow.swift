import Foundation
import PodCore
import PodLogs
import PodModel
import PodRuntime
import PodStore
import Synchronization

extension Logs {
    /// `logs -l SELECTOR -f`: follows every container the selector picks at once (the
    /// default container, -c, or all with --all-containers), lines written whole, one at a
    /// time. Pods (and container instances) that come to match later join: the selector
    /// is evaluated again every half second, and a joiner's log is shown from its start.
    /// Each stream ends when its container stops, as `logs NAME -f` does; the command
    /// ends when no stream is left, as kubectl's.
    func followSelected(_ selector: LabelSelector) async throws {
        if pod != nil { throw PodError(.invalidArgument, "only a selector (-l) or a POD name is allowed") }
        let context = try Context(global)
        let output = SerializedOutput()
        let open = StreamCount()
        var seen: Set<String> = []
        var first = true
        await withTaskGroup(of: Void.self) { group in
            while true {
                let streams: [LogStream]
                do { streams = try newStreams(context, selector, seen: &seen) } catch {
                    Terminal.error("\((error as? PodError)?.description ?? "\(error)")")
                    break
                }
                if first && streams.isEmpty { return PodSelection.noneFound(namespace: namespace) }
                if first && streams.count > maxLogRequests {
                    Terminal.error("you are attempting to follow \(streams.count) log streams, but maximum allowed concurrency is \(maxLogRequests), use --max-log-requests to increase the limit")
                    return
                }
                for stream in streams {
                    open.add(1)
                    // kubectl's --tail default of 10 holds for the pods there at the start; a joiner is shown whole.
                    let options = try? logOptions(tail: first ? (tail ?? 10) : tail)
                    group.addTask { await stream.follow(options ?? LogOptions(), context: context, output: output); open.add(-1) }
                }
                first = false
                if streams.isEmpty && open.value == 0 { break }
                do { try await Task.sleep(for: .milliseconds(500)) } catch { break }
            }
        }
    }

    /// The container instances (a log file each) the selector picks now and `seen` lacks.
    private func newStreams(_ context: Context, _ selector: LabelSelector, seen: inout Set<String>) throws -> [LogStream] {
        var streams: [LogStream] = []
        for view in try PodSelection.matching(context, selector, namespace: namespace) {
            let names = (view.manifest.spec?.allContainers ?? []).compactMap(\.name)
            for container in allContainers ? names : [try chooseContainer(view, names: names)] {
                let reader = ContainerLogReader(podDirectory: view.paths.directory, pod: view.key.name, container: container)
                guard let instance = (try? reader.restarts())?.last else { continue }  // not started yet: a later pass
                let id = "\(view.key)/\(view.status?.startTime ?? "")/\(container)/\(instance)"
                if seen.insert(id).inserted {
                    streams.append(LogStream(key: view.key, reader: reader, prefix: prefix ? LogPrefix.kubectl(pod: view.key.name, container: container) : nil))
                }
            }
        }
        return streams
    }

    /// `logs NAME -f`'s end of a stream: the pod is gone, its supervisor is, or the container no longer runs.
    static func containerEnded(_ key: PodKey, _ container: String, context: Context) -> Bool {
        guard let current = try? context.manager.view(key) else { return true }
        let record = current.status?.containers.first { $0.name == container } ?? current.status?.initContainers.first { $0.name == container }
        return !current.supervisorAlive || record?.pid == nil
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
            try await reader.follow(options, shouldStop: { Logs.containerEnded(key, reader.container, context: context) }) { line in
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
