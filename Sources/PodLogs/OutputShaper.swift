/// Applies `LogOptions` to assembled lines, in the kubelet's order: `since` drops older
/// lines, `tail` keeps the last N, then each line is formatted (prefix, timestamp) and
/// counted against `limitBytes`, the last one cut short as the kubelet's `logWriter`
/// cuts it.
struct OutputShaper {
    let options: LogOptions
    private let prefix: [UInt8]
    private var remaining: Int
    private var tail: TailBuffer?
    /// For lines of the file that are not records: they are as old as the record before.
    private var lastTimestamp: LogTimestamp?

    init(options: LogOptions) {
        self.options = options
        prefix = Array((options.prefix ?? "").utf8)
        remaining = options.limitBytes ?? Int.max
        if let count = options.tail, count >= 0 { tail = TailBuffer(limit: count) }
    }

    /// False when output must stop (the limit is reached or `emit` said so).
    mutating func accept(_ line: AssembledLine, emit: (LogLine) -> Bool) -> Bool {
        guard isRecent(line) else { return true }
        if tail != nil {
            tail!.append(line)
            return true
        }
        return deliver(line, emit: emit)
    }

    /// Delivers the lines `tail` kept; later lines go straight out.
    mutating func releaseTail(emit: (LogLine) -> Bool) -> Bool {
        guard let kept = tail?.lines else { return true }
        tail = nil
        for line in kept where !deliver(line, emit: emit) { return false }
        return true
    }

    private mutating func isRecent(_ line: AssembledLine) -> Bool {
        if let time = line.timestamp { lastTimestamp = time }
        guard let since = options.since else { return true }
        guard let time = line.timestamp ?? lastTimestamp else { return false }
        return time >= since
    }

    private mutating func deliver(_ line: AssembledLine, emit: (LogLine) -> Bool) -> Bool {
        guard remaining > 0 else { return false }
        var body: [UInt8] = []
        body.reserveCapacity(line.text.count + 32)
        if options.timestamps, !line.isContinuation, let time = line.timestamp {
            body += Array(time.description.utf8)
            body.append(UInt8(ascii: " "))
        }
        body += line.text
        if line.isComplete { body.append(UInt8(ascii: "\n")) }
        var complete = line.isComplete
        if body.count > remaining {
            body.removeLast(body.count - remaining)
            complete = false
        }
        remaining -= body.count
        let bytes = line.isContinuation ? body : prefix + body
        let out = LogLine(stream: line.stream, timestamp: line.timestamp, bytes: bytes, isComplete: complete, isContinuation: line.isContinuation)
        return emit(out) && remaining > 0
    }
}

/// The last `limit` lines seen.
struct TailBuffer {
    let limit: Int
    private var storage: [AssembledLine] = []
    private var start = 0

    init(limit: Int) { self.limit = limit }

    var lines: ArraySlice<AssembledLine> { storage[start...] }

    mutating func append(_ line: AssembledLine) {
        guard limit > 0 else { return }
        storage.append(line)
        if storage.count - start > limit { start += 1 }
        // Compact now and then, so memory stays about `limit` lines.
        if start >= 1024 && start * 2 >= storage.count {
            storage.removeFirst(start)
            start = 0
        }
    }
}
