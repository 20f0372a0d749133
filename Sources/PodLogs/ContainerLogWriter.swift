import Glibc
import PodCore
import PodOS

/// Writes one container instance's output (one restart) to `<directory>/<restart>.log`
/// in the CRI format, rotating by size (see `Rotation`).
///
/// The supervisor gives it what it reads from the container's pipes. Each `append`
/// formats every record it completes into one buffer and writes it with one `write(2)`
/// (two around a rotation), so the file holds whole records as soon as `append`
/// returns and a follower sees them; nothing is fsynced (containerd does not either).
/// Readers only share the files, so a slow `podctl logs` never slows the container.
///
/// Nothing given to `append` is lost: every byte ends up in a record, in order. When a
/// write fails (disk full), the formatted records stay buffered and go out with the next
/// call; only a backlog past `maxBacklogBytes` is shed, counted in `droppedBytes`. As
/// containerd, the caller should go on draining the pipes after an error, so the
/// container never blocks on a full pipe.
///
/// Thread-safe: calls are serialized under a lock. The supervisor is single-threaded and
/// never contends for it (an uncontended pthread mutex is an atomic operation each way); the
/// lock keeps the type honestly Sendable for callers that drain stdout and stderr on two
/// threads (WriterTests.twoThreadsMayWriteTheTwoStreams).
public final class ContainerLogWriter: @unchecked Sendable {
    public typealias Stream = LogStream

    /// The kubelet defaults (`containerLogMaxSize` 10Mi, `containerLogMaxFiles` 5).
    public static let defaultMaxFileBytes = 10 * 1024 * 1024
    public static let defaultMaxFiles = 5
    /// Formatted records kept in memory while writes fail.
    public static let maxBacklogBytes = 8 * 1024 * 1024

    public let directory: String
    public let restartCount: Int
    public let maxFileBytes: Int
    public let maxFiles: Int
    /// The file being written.
    public var path: String { rotation.path(0) }

    let rotation: Rotation
    private let lock = PosixLock()
    let buffer = RecordBuffer()
    var file: FileDescriptor?
    var fileBytes: Int
    var header = RecordHeader()
    var stdoutLines = LineSplitter()
    var stderrLines = LineSplitter()
    var failure: PodError?
    var dropped = 0

    public init(directory: String, restartCount: Int, maxFileBytes: Int = defaultMaxFileBytes, maxFiles: Int = defaultMaxFiles) throws(PodError) {
        guard restartCount >= 0, maxFileBytes > 0, maxFiles >= 1 else {
            throw PodError(.invalidArgument, "log rotation needs a restart count >= 0, maxFileBytes > 0 and maxFiles >= 1 (got \(restartCount), \(maxFileBytes), \(maxFiles))")
        }
        self.directory = directory
        self.restartCount = restartCount
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
        rotation = Rotation(directory: directory, restart: restartCount, maxFiles: maxFiles)
        try Files.makeDirectories(directory, mode: 0o700)
        try rotation.pruneBeyondLimit()
        // Appends to an existing file: a supervisor restarted for the same container
        // instance continues its log instead of truncating it.
        (file, fileBytes) = try Self.openCurrent(rotation.path(0))
    }

    /// The writer of a log file the kubelet named (CRI `log_directory` + `log_path`):
    /// the same format, no rotation of its own (the kubelet's container log manager
    /// rotates CRI logs by renaming them and asking for a reopen).
    public init(file: String) throws(PodError) {
        directory = Files.dirname(of: file)
        restartCount = 0
        maxFileBytes = Int.max
        maxFiles = 1
        rotation = Rotation(directory: directory, restart: 0, maxFiles: 1, file: file)
        try Files.makeDirectories(directory, mode: 0o755)
        (self.file, fileBytes) = try Self.openCurrent(rotation.path(0))
    }

    deinit { try? close() }

    /// Bytes of formatted records shed because writes kept failing.
    public var droppedBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return dropped
    }

    /// Splits `bytes` into lines of `stream` and writes the complete ones (and 16 KiB
    /// parts of overlong ones); an unterminated rest waits for more data.
    public func append(_ bytes: UnsafeRawBufferPointer, stream: Stream) throws(PodError) {
        try locked { writer throws(PodError) in
            try writer.checkOpen()
            writer.format(stream) { lines, emit in lines.split(bytes, emit: emit) }
        }
    }

    public func append(_ bytes: [UInt8], stream: Stream) throws(PodError) {
        // withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
        let result = bytes.withUnsafeBytes { raw in Result { () throws(PodError) in try append(raw, stream: stream) } }
        try result.get()
    }

    /// Writes the pending unterminated data of `stream` as a `P` record. For a stream that
    /// went quiet mid-line (a prompt, a progress bar): the text becomes visible now and
    /// the rest of the line, when it comes, continues it.
    public func flushPartial(stream: Stream) throws(PodError) {
        try finishPending(stream, partial: true)
    }

    /// End of `stream`: pending data becomes an `F` record, the line being as complete
    /// as it will ever be. (containerd tags such a last line `P`; `F` keeps readers from
    /// waiting for a continuation that cannot come.)
    public func close(stream: Stream) throws(PodError) {
        try finishPending(stream, partial: false)
    }

    /// Closes both streams and the file. Later calls fail.
    public func close() throws(PodError) {
        try locked { writer throws(PodError) in
            guard writer.file != nil else { return }
            for stream in LogStream.allCases {
                writer.format(stream) { lines, emit in lines.takePending(partial: false, emit: emit) }
            }
            writer.flush()
            writer.file = nil
        }
    }

    private func finishPending(_ stream: Stream, partial: Bool) throws(PodError) {
        try locked { writer throws(PodError) in
            try writer.checkOpen()
            writer.format(stream) { lines, emit in lines.takePending(partial: partial, emit: emit) }
        }
    }

    /// Runs `body` under the lock, writes what it formatted, and reports the first
    /// failure met on the way.
    private func locked(_ body: (ContainerLogWriter) throws(PodError) -> Void) throws(PodError) {
        lock.lock()
        defer { lock.unlock() }
        try body(self)
        flush()
        if let failure {
            self.failure = nil
            throw failure
        }
    }

    private func checkOpen() throws(PodError) {
        if file == nil { throw PodError(.internal, "the log writer of \(path) is closed") }
    }
}
