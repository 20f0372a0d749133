import Foundation
import PodCore
import PodLogs
import PodOS
import PodTestSupport
import Testing

@Suite struct ReaderTests {
    static let t0 = LogTimestamp(seconds: 1_795_919_664, nanoseconds: 100)

    /// A log written by hand: record i at t0 + i seconds.
    static func makeLog(_ dir: String, restart: Int = 0, _ lines: [(LogStream, Bool, String)]) throws {
        var bytes: [UInt8] = []
        for (index, (stream, partial, text)) in lines.enumerated() {
            let time = t0.adding(nanoseconds: Int64(index) * 1_000_000_000)
            bytes += LogRecord(timestamp: time, stream: stream, isPartial: partial, text: Array(text.utf8)).formatted
        }
        try AtomicFile.write(bytes, to: "\(dir)/\(restart).log")
    }

    static func tenLines(_ dir: String) throws {
        try makeLog(dir, (0..<10).map { (.stdout, false, "l\($0)") })
    }

    func reader(_ dir: TemporaryDirectory) -> ContainerLogReader {
        ContainerLogReader(directory: dir.path, pod: "web", container: "app")
    }

    @Test func tailCountsLogicalLines() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        try Self.makeLog(dir.path, [(.stdout, false, "a"), (.stdout, true, "b1"), (.stderr, false, "c"), (.stdout, true, "b2"), (.stdout, false, "b3")])
        #expect(try reader(dir).lines(LogOptions(tail: 2)) == ["c", "b1b2b3"])
        #expect(try reader(dir).lines(LogOptions(tail: 1)) == ["b1b2b3"])
        #expect(try reader(dir).lines(LogOptions(tail: 0)) == [])
        #expect(try reader(dir).lines(LogOptions(tail: 99)) == ["a", "c", "b1b2b3"])
        #expect(try reader(dir).lines(LogOptions(tail: -1)) == ["a", "c", "b1b2b3"])
    }

    @Test func sinceKeepsLinesAtOrAfter() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        try Self.tenLines(dir.path)
        let since = Self.t0.adding(nanoseconds: 7_000_000_000)
        #expect(try reader(dir).lines(LogOptions(since: since)) == ["l7", "l8", "l9"])
        let justAfter = since.adding(nanoseconds: 1)
        #expect(try reader(dir).lines(LogOptions(since: justAfter)) == ["l8", "l9"])
        #expect(try reader(dir).lines(LogOptions(tail: 5, since: since)) == ["l7", "l8", "l9"])
        #expect(try reader(dir).lines(LogOptions(tail: 2, since: since)) == ["l8", "l9"])
    }

    @Test func timestampsPrefixTheFirstRecordsTime() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        try Self.makeLog(dir.path, [(.stdout, true, "sp"), (.stdout, false, "lit")])
        #expect(try reader(dir).lines(LogOptions(timestamps: true)) == ["2026-11-29T02:34:24.000000100Z split"])
    }

    @Test func previousIsTheRestartBeforeTheNewest() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        try Self.makeLog(dir.path, restart: 0, [(.stdout, false, "zero")])
        #expect(try reader(dir).lines() == ["zero"])
        #expect(throws: PodError.self) { try reader(dir).lines(LogOptions(previous: true)) }
        do {
            _ = try reader(dir).readAll(LogOptions(previous: true))
        } catch {
            #expect(error.message == "previous terminated container \"app\" in pod \"web\" not found")
            #expect(error.code == .notFound)
        }
        try Self.makeLog(dir.path, restart: 1, [(.stdout, false, "one")])
        try Self.makeLog(dir.path, restart: 10, [(.stdout, false, "ten")])
        #expect(try reader(dir).restarts() == [0, 1, 10])
        #expect(try reader(dir).lines() == ["ten"])
        #expect(try reader(dir).lines(LogOptions(previous: true)) == ["one"])
        #expect(try reader(dir).lines(restart: 0) == ["zero"])
    }

    @Test func noLogsIsNotFound() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        #expect(throws: PodError.self) { try reader(dir).lines() }
        let missing = ContainerLogReader(directory: dir.path + "/nope", pod: "web", container: "app")
        #expect(throws: PodError.self) { try missing.lines() }
    }

    @Test func limitBytesCutsTheOutput() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        try Self.tenLines(dir.path)
        #expect(String(decoding: try reader(dir).readAll(LogOptions(limitBytes: 7)), as: UTF8.self) == "l0\nl1\nl")
        #expect(String(decoding: try reader(dir).readAll(LogOptions(limitBytes: 6)), as: UTF8.self) == "l0\nl1\n")
        let stamped = try reader(dir).readAll(LogOptions(timestamps: true, limitBytes: 40))
        #expect(String(decoding: stamped, as: UTF8.self) == "2026-11-29T02:34:24.000000100Z l0\n2026-1")
        #expect(throws: PodError.self) { try reader(dir).readAll(LogOptions(limitBytes: 0)) }
        // The callback can stop early too.
        var seen = 0
        try reader(dir).read { _ in
            seen += 1
            return seen < 3
        }
        #expect(seen == 3)
    }

    @Test func malformedLinesAreShownNotFatal() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let good = LogRecord(timestamp: Self.t0, stream: .stdout, isPartial: false, text: bytes("good")).formatted
        let file = bytes("garbage first\n") + good + bytes("\u{0}binary\u{ff}\n\n") + good + bytes("truncated rec")
        try AtomicFile.write(file, to: dir.path + "/0.log")
        #expect(try reader(dir).lines() == ["garbage first", "good", "\u{0}binary\u{ff}", "", "good", "truncated rec"])
        // Malformed lines take the time of the record before them for --since.
        #expect(try reader(dir).lines(LogOptions(since: Self.t0)) == ["good", "\u{0}binary\u{ff}", "", "good", "truncated rec"])
    }

    @Test func anUnfinishedPartialLineIsShownWithoutNewline() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        try Self.makeLog(dir.path, [(.stdout, false, "a"), (.stdout, true, "prompt> ")])
        #expect(String(decoding: try reader(dir).readAll(), as: UTF8.self) == "a\nprompt> ")
    }

    @Test func prefixAndAllContainers() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let pod = dir.path + "/pod"
        for (container, text) in [("init", "migrated"), ("app", "serving"), ("side", "proxying")] {
            let writer = try ContainerLogWriter(directory: LogFiles.containerDirectory(podDirectory: pod, container: container), restartCount: 0)
            try writer.append(bytes("\(text)\n\(text) more\n"), stream: .stdout)
        }
        #expect(LogPrefix.kubectl(pod: "web", container: "app") == "[pod/web/app] ")
        var output: [UInt8] = []
        try ContainerLogReader.readAll(podDirectory: pod, pod: "web", containers: ["init", "app", "side"], LogOptions(tail: 1), prefix: true) { line in
            output += line.bytes
            return true
        }
        #expect(String(decoding: output, as: UTF8.self) == "[pod/web/init] migrated more\n[pod/web/app] serving more\n[pod/web/side] proxying more\n")
        let app = ContainerLogReader(podDirectory: pod, pod: "web", container: "app")
        let stamped = try app.lines(LogOptions(timestamps: true, prefix: "[pod/web/app] "))
        #expect(stamped.allSatisfy { $0.wholeMatch(of: /\[pod\/web\/app\] \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z serving.*/) != nil })
    }
}
