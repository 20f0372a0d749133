import Glibc
import PodCore
import PodOS

/// Formatting records into the buffer, writing it, and rotating between records.
extension ContainerLogWriter {
    /// Formats the records `produce` emits for `stream`. All share one timestamp: they
    /// came from one read. Before a record that would take the file past
    /// `maxFileBytes`, the file is rotated, so files end on record boundaries.
    func format(_ stream: Stream, _ produce: (inout LineSplitter, LineSplitter.Emit) -> Void) {
        header.prepare(.now(), stream)
        var room = maxFileBytes - fileBytes - buffer.unwritten
        var rotationFailed = false
        header.bytes.withUnsafeBytes { headerBytes in
            let headerBase = headerBytes.baseAddress!
            let emit: LineSplitter.Emit = { text, partial in
                let size = RecordHeader.length + text.count + 1
                if size > room && !rotationFailed && self.fileBytes + self.buffer.unwritten > 0 {
                    // One failed attempt per call: retrying per record would only repeat the error.
                    rotationFailed = !self.rotate()
                    room = self.maxFileBytes - self.fileBytes - self.buffer.unwritten
                }
                self.buffer.appendRecord(header: headerBase, partial: partial, text: text)
                room -= size
            }
            switch stream {
            case .stdout: produce(&stdoutLines, emit)
            case .stderr: produce(&stderrLines, emit)
            }
        }
    }

    /// Writes the buffer. On failure the rest stays for the next call (shed past the
    /// backlog limit) and the error is kept for the caller.
    func flush() {
        guard buffer.unwritten > 0 else { return buffer.reset() }
        guard let file else { return note(PodError(.internal, "the log writer of \(path) is closed")) }
        while buffer.unwritten > 0 {
            let count = Glibc.write(file.raw, buffer.base + buffer.written, buffer.unwritten)
            if count > 0 {
                buffer.written += count
                fileBytes += count
                continue
            }
            let code = count < 0 ? errno : ENOSPC
            if code == EINTR { continue }
            if buffer.unwritten > Self.maxBacklogBytes { dropped += buffer.shed() }
            if buffer.unwritten == 0 { buffer.reset() }
            return note(PodError.system("write", errno: code, path: path, "cannot write the log of container restart \(restartCount) to \(path)"))
        }
        buffer.reset()
    }

    /// Writes what is formatted, then moves the current file aside and opens a new one.
    /// Returns false (and notes the error) when that fails; the writer then goes on with
    /// the file it has, which is better than losing lines.
    func rotate() -> Bool {
        flush()
        guard buffer.unwritten == 0 else { return false }
        do {
            // A rotation whose open failed has already moved the file: only open then,
            // or every retry would push all copies one step further towards deletion.
            if Files.exists(path) { try rotation.shift() }
            (file, fileBytes) = try Self.openCurrent(path)
            return true
        } catch {
            note(error)
            return false
        }
    }

    func note(_ error: PodError) {
        if failure == nil { failure = error }
    }

    static func openCurrent(_ path: String) throws(PodError) -> (FileDescriptor, Int) {
        let file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_APPEND, mode: 0o600)
        var info = stat()
        try syscall("fstat", path: path) { fstat(file.raw, &info) }
        return (file, Int(info.st_size))
    }
}
