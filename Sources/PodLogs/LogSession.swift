import Glibc
import PodCore
import PodOS

/// One read of one restart's log: the files in write order through the scanner, the
/// assembler and the shaper to the caller. For `follow` it keeps the newest file open
/// and is polled for what is appended after (see `LogSession+Follow.swift`).
final class LogSession {
    typealias Emit = (LogLine) -> Bool

    struct OpenLog {
        let file: FileDescriptor
        let identity: FileIdentity
        let path: String
    }

    let directory: String
    private(set) var restart: Int
    var current: OpenLog?
    let scanner = RecordScanner()
    var assembler = LineAssembler()
    var shaper: OutputShaper
    /// The caller or `limitBytes` ended the output.
    private(set) var stopped = false

    init(directory: String, restart: Int, options: LogOptions) {
        self.directory = directory
        self.restart = restart
        shaper = OutputShaper(options: options)
    }

    /// Reads every file of the restart, oldest first; the newest stays open.
    func readChain(emit: Emit) throws(PodError) {
        let logs = try openChain()
        for (index, log) in logs.enumerated() {
            scanner.reset()
            _ = try drain(log, emit: emit)
            if stopped { return }
            if index < logs.count - 1 { endOfFile(emit: emit) }
        }
        current = logs.last
    }

    /// Delivers what `tail` held back.
    func releaseTail(emit: Emit) {
        if !stopped && !shaper.releaseTail(emit: emit) { stopped = true }
    }

    /// End of the read: an unterminated last record and pending parts of lines.
    func finish(emit: Emit) {
        endOfFile(emit: emit)
        for line in assembler.finish() where !stopped { deliver(line, emit: emit) }
    }

    /// Parts of lines still waiting for their end, shown while following.
    func flushFragments(emit: Emit) {
        for line in assembler.takeFragments() where !stopped { deliver(line, emit: emit) }
    }

    /// Continues with a newer restart, from its oldest file.
    func switchRestart(to newer: Int, emit: Emit) throws(PodError) {
        finish(emit: emit)
        restart = newer
        current = nil
        try readChain(emit: emit)
    }

    func drain(_ log: OpenLog, emit: Emit) throws(PodError) -> Int {
        guard !stopped else { return 0 }
        let (read, halted) = try scanner.drain(log.file) { bytes in consume(bytes, emit: emit) }
        if halted { stopped = true }
        return read
    }

    /// The file will not grow: its unterminated end, if any, is a line too.
    func endOfFile(emit: Emit) {
        if let rest = scanner.takeCarry(), !stopped {
            _ = rest.withUnsafeBytes { consume($0, emit: emit) }
        }
    }

    private func consume(_ bytes: UnsafeRawBufferPointer, emit: Emit) -> Bool {
        if let line = assembler.add(LogRecord.parse(bytes)) { deliver(line, emit: emit) }
        return !stopped
    }

    private func deliver(_ line: AssembledLine, emit: Emit) {
        if !shaper.accept(line, emit: emit) { stopped = true }
    }

    /// Opens all files of the restart at once, so a rotation during a long read cannot
    /// make one vanish between two opens; retried when the names moved meanwhile.
    func openChain() throws(PodError) -> [OpenLog] {
        var logs: [OpenLog] = []
        for _ in 0..<10 {
            let paths = try LogFiles.chain(in: directory, restart: restart)
            logs = []
            for path in paths {
                guard let log = try open(path) else { break }
                logs.append(log)
            }
            if logs.count == paths.count && logs.allSatisfy({ FileIdentity(path: $0.path) == $0.identity }) {
                return logs
            }
        }
        return logs
    }

    /// Nil when the file is gone (rotated out of existence meanwhile).
    func open(_ path: String) throws(PodError) -> OpenLog? {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(path, O_RDONLY)
        } catch {
            if error.errno == ENOENT { return nil }
            throw error
        }
        return OpenLog(file: file, identity: try FileIdentity(file: file), path: path)
    }
}
