import PodCore
import PodOS

/// Reads a container's logs the way `kubectl logs` shows them: the newest instance
/// (or with `previous` the one before), every record in order across its rotated
/// files, split lines joined again, shaped by `LogOptions`. Lines go to a callback
/// that returns false to stop, so a caller can stream them to stdout.
///
/// The reader shares nothing with the writer but the files: it never blocks it. It
/// reads what the writer has kept; when a rotation deletes a file before a slow
/// follower reached it, those lines are gone (as with the kubelet).
public struct ContainerLogReader: Sendable {
    public let directory: String
    public let pod: String
    public let container: String

    /// `directory` holds the container's `<restart>.log` files; the names are for messages.
    public init(directory: String, pod: String, container: String) {
        self.directory = directory
        self.pod = pod
        self.container = container
    }

    public init(podDirectory: String, pod: String, container: String) {
        self.init(directory: LogFiles.containerDirectory(podDirectory: podDirectory, container: container), pod: pod, container: container)
    }

    /// Restart numbers with logs, ascending.
    public func restarts() throws(PodError) -> [Int] {
        try LogFiles.restarts(in: directory)
    }

    /// The files of one restart, oldest first.
    public func files(restart: Int) throws(PodError) -> [String] {
        try LogFiles.chain(in: directory, restart: restart)
    }

    /// The newest restart, or with `previous` the one before it; kubelet's messages.
    public func selectedRestart(previous: Bool) throws(PodError) -> Int {
        let all = try restarts()
        if previous {
            guard all.count >= 2 else {
                throw PodError(.notFound, "previous terminated container \"\(container)\" in pod \"\(pod)\" not found")
            }
            return all[all.count - 2]
        }
        guard let newest = all.last else {
            throw PodError(.notFound, "container \"\(container)\" in pod \"\(pod)\" has no logs yet")
        }
        return newest
    }

    /// Everything there is now, then returns. `restart` overrides the choice `previous` makes.
    public func read(_ options: LogOptions = LogOptions(), restart: Int? = nil, to emit: (LogLine) -> Bool) throws(PodError) {
        try options.validate()
        let chosen = if let restart { restart } else { try selectedRestart(previous: options.previous) }
        let session = LogSession(directory: directory, restart: chosen, options: options)
        try session.readChain(emit: emit)
        session.finish(emit: emit)
        session.releaseTail(emit: emit)
    }

    /// `read`, collected: the output bytes. For tests and small logs.
    public func readAll(_ options: LogOptions = LogOptions(), restart: Int? = nil) throws(PodError) -> [UInt8] {
        var output: [UInt8] = []
        try read(options, restart: restart) { line in
            output += line.bytes
            return true
        }
        return output
    }
}
