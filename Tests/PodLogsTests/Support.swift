import Foundation
import Glibc
import PodCore
import PodLogs
import PodOS

/// The records of a log file, parsed.
func records(_ path: String) throws -> [LogRecord] {
    let bytes = try Files.read(path)
    return bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        .dropLast()  // the file ends with a newline
        .map { LogRecord.parse(Array($0)) }
}

func text(_ record: LogRecord) -> String { String(decoding: record.text, as: UTF8.self) }

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

extension ContainerLogReader {
    /// The output as text lines (without their newlines).
    func lines(_ options: LogOptions = LogOptions(), restart: Int? = nil) throws -> [String] {
        let output = String(decoding: try readAll(options, restart: restart), as: UTF8.self)
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// What a follower delivered, shared between its task and the test.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var output: [UInt8] = []
    private var stopFlag = false

    func add(_ line: LogLine) {
        lock.withLock { output += line.bytes }
    }

    var text: String { lock.withLock { String(decoding: output, as: UTF8.self) } }

    var lines: [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    var shouldStop: Bool {
        get { lock.withLock { stopFlag } }
        set { lock.withLock { stopFlag = newValue } }
    }
}
