/// Which pipe of the container a record came from, spelled as in the CRI log format.
public enum LogStream: String, Sendable, CaseIterable {
    case stdout
    case stderr

    var index: Int { self == .stdout ? 0 : 1 }
}

/// One line of a CRI log file (the format of the kubelet's `kuberuntime/logs` and
/// containerd's `cri/io` logger):
///
///     2026-11-29T02:34:24.123456789Z stdout F text
///
/// timestamp, stream, tag (`F` a full line or the end of a split one, `P` a part of a
/// line that goes on in the next record of the same stream), one space, and the text
/// without its newline.
public struct LogRecord: Sendable, Equatable {
    /// Nil when the line is not a CRI record; `text` is then the whole line.
    public var timestamp: LogTimestamp?
    public var stream: LogStream
    public var isPartial: Bool
    public var text: [UInt8]

    public init(timestamp: LogTimestamp?, stream: LogStream, isPartial: Bool, text: [UInt8]) {
        self.timestamp = timestamp
        self.stream = stream
        self.isPartial = isPartial
        self.text = text
    }

    /// A line that did not parse: kept as stdout text rather than dropped. (The kubelet
    /// skips such lines; a local tool should rather show what is in the file.)
    public var isMalformed: Bool { timestamp == nil }

    /// The record as written to a file, newline included.
    public var formatted: [UInt8] {
        var header = RecordHeader()
        header.prepare(timestamp ?? LogTimestamp(seconds: 0), stream)
        var bytes = [UInt8]()
        bytes.reserveCapacity(RecordHeader.length + text.count + 1)
        header.bytes.withUnsafeBytes { bytes.append(contentsOf: $0) }
        bytes[RecordHeader.tagOffset] = isPartial ? UInt8(ascii: "P") : UInt8(ascii: "F")
        bytes.append(contentsOf: text)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Parses one line (without its newline). Never fails: what is not a record comes
    /// back as a malformed one carrying the line as text.
    public static func parse(_ line: UnsafeRawBufferPointer) -> LogRecord {
        parseFields(line) ?? LogRecord(timestamp: nil, stream: .stdout, isPartial: false, text: Array(line))
    }

    public static func parse(_ line: [UInt8]) -> LogRecord {
        line.withUnsafeBytes { parse($0) }
    }

    private static func parseFields(_ line: UnsafeRawBufferPointer) -> LogRecord? {
        let space = UInt8(ascii: " ")
        guard let end1 = line.firstIndex(of: space),
              let timestamp = TimestampParser.parse(UnsafeRawBufferPointer(rebasing: line[..<end1]))
        else { return nil }
        let afterTime = line[(end1 + 1)...]
        guard let end2 = afterTime.firstIndex(of: space) else { return nil }
        let stream: LogStream
        switch String(decoding: line[(end1 + 1)..<end2], as: UTF8.self) {
        case "stdout": stream = .stdout
        case "stderr": stream = .stderr
        default: return nil
        }
        // The tag field may carry more tags after ':' (`F:x`); only the first matters (kubelet).
        let afterStream = line[(end2 + 1)...]
        let end3 = afterStream.firstIndex(of: space) ?? line.count
        let tag = line[(end2 + 1)..<end3]
        guard let first = tag.first, first == UInt8(ascii: "F") || first == UInt8(ascii: "P"),
              tag.count == 1 || tag[tag.startIndex + 1] == UInt8(ascii: ":")
        else { return nil }
        let text = end3 < line.count ? Array(line[(end3 + 1)...]) : []
        return LogRecord(timestamp: timestamp, stream: stream, isPartial: first == UInt8(ascii: "P"), text: text)
    }
}

/// The 40 bytes before the text of a record: `<timestamp> <stream> <tag> `. Built once
/// per `append` call (all lines of one read share a timestamp) and copied per record.
struct RecordHeader {
    static let length = TimestampFormatter.length + 1 + 6 + 1 + 1 + 1
    static let tagOffset = TimestampFormatter.length + 8

    private(set) var bytes = [UInt8](repeating: UInt8(ascii: " "), count: length)
    private var formatter = TimestampFormatter()

    mutating func prepare(_ time: LogTimestamp, _ stream: LogStream) {
        bytes.withUnsafeMutableBytes { raw in
            formatter.write(time, to: raw.baseAddress!)
            var index = TimestampFormatter.length + 1
            for byte in stream.rawValue.utf8 {
                raw[index] = byte
                index += 1
            }
            raw[Self.tagOffset] = UInt8(ascii: "F")
        }
    }
}
