import Glibc
import PodLogs
import PodPlan

extension Supervisor {
    /// How long an unterminated line may wait for its newline before it is written as a
    /// partial (P) record, so a prompt without a newline still shows up in the log.
    static let partialLineDelay = 0.1

    func readOutput(of index: Int, stream: LogStream) {
        guard let fd = containers[index].pipes[stream] else { return }
        // Uninitialized: zeroing the buffer (then 64 KiB) before every read cost as many instructions as
        // the rest of the log path together (callgrind, docs/benchmarks.md).
        var count = 0
        var readError: Int32 = 0
        let buffer = [UInt8](unsafeUninitializedCapacity: 256 * 1024) { raw, initialized in
            count = read(fd, raw.baseAddress, raw.count)
            readError = errno
            initialized = max(count, 0)
        }
        if count > 0 {
            buffer.withUnsafeBytes { raw in
                try? containers[index].writer?.append(UnsafeRawBufferPointer(rebasing: raw[0..<count]), stream: stream)
                forwardOutput(index, UnsafeRawBufferPointer(rebasing: raw[0..<count]), stream: stream)
            }
            containers[index].flushAt = Clock.monotonic() + Self.partialLineDelay
        } else if count == 0 || (readError != EAGAIN && readError != EINTR) {
            try? containers[index].writer?.close(stream: stream)
            close(fd)
            containers[index].pipes[stream] = nil
        }
    }

    /// Reads what is left in the pipes after the container exited, so no line is lost.
    func drainOutput(_ index: Int) {
        for stream in LogStream.allCases {
            while containers[index].pipes[stream] != nil {
                let before = containers[index].pipes[stream]
                readOutput(of: index, stream: stream)
                if containers[index].pipes[stream] == before && errno == EAGAIN { break }
            }
        }
    }

    func flushPartial(_ index: Int) {
        containers[index].flushAt = nil
        for stream in LogStream.allCases { try? containers[index].writer?.flushPartial(stream: stream) }
    }

    func closeLogs(_ index: Int) {
        closeConsole(index)
        for (stream, fd) in containers[index].pipes {
            try? containers[index].writer?.close(stream: stream)
            close(fd)
        }
        containers[index].pipes = [:]
        try? containers[index].writer?.close()
        containers[index].writer = nil
        containers[index].flushAt = nil
    }
}
