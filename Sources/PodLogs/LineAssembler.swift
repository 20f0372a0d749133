/// A line of the container, put back together from its records.
struct AssembledLine {
    var timestamp: LogTimestamp?
    var stream: LogStream
    var text: [UInt8]
    var isComplete: Bool
    var isContinuation: Bool
}

/// Joins `P … P F` records into logical lines, one pending line per stream (stdout and
/// stderr records interleave freely). A line takes the timestamp of its first record,
/// as the kubelet prints it for `--timestamps`.
struct LineAssembler {
    /// A pending line this long goes out as a fragment rather than growing without bound
    /// (a container that writes gigabytes without a newline).
    static let maxPendingBytes = 1024 * 1024

    private struct Pending {
        var timestamp: LogTimestamp?
        var text: [UInt8]
        /// A fragment of this line was already delivered.
        var started: Bool
    }

    private var pending: [Pending?] = [nil, nil]

    /// The line `record` completes, if any.
    mutating func add(_ record: LogRecord) -> AssembledLine? {
        if record.isMalformed {
            return AssembledLine(timestamp: nil, stream: .stdout, text: record.text, isComplete: true, isContinuation: false)
        }
        let index = record.stream.index
        var line = pending[index] ?? Pending(timestamp: record.timestamp, text: [], started: false)
        pending[index] = nil
        if line.text.isEmpty { line.text = record.text } else { line.text += record.text }
        if !record.isPartial {
            return AssembledLine(timestamp: line.timestamp, stream: record.stream, text: line.text, isComplete: true, isContinuation: line.started)
        }
        pending[index] = line
        if line.text.count >= Self.maxPendingBytes { return takeFragment(index) }
        return nil
    }

    /// What pending lines hold so far, as fragments; their rest will come as continuations.
    mutating func takeFragments() -> [AssembledLine] {
        pending.indices.compactMap { takeFragment($0) }
    }

    /// End of the data: pending lines go out as they are, incomplete.
    mutating func finish() -> [AssembledLine] {
        defer { pending = [nil, nil] }
        return takeFragments()
    }

    private mutating func takeFragment(_ index: Int) -> AssembledLine? {
        guard let line = pending[index], !line.text.isEmpty else { return nil }
        pending[index] = Pending(timestamp: line.timestamp, text: [], started: true)
        let stream: LogStream = index == 0 ? .stdout : .stderr
        return AssembledLine(timestamp: line.timestamp, stream: stream, text: line.text, isComplete: false, isContinuation: line.started)
    }
}
