import Foundation
import PodCore
import PodLogs
import PodOS
import PodTestSupport
import Testing

@Suite struct RotationTests {
    /// `line 000042` and so on: numbered, so loss and reordering show.
    static func numbered(_ range: Range<Int>) -> [UInt8] {
        Array(range.map { "line " + String(repeating: "0", count: 6 - String($0).count) + String($0) + "\n" }.joined().utf8)
    }

    @Test func rotationKeepsAtMostMaxFilesAndNoRetainedLineIsLost() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let maxFileBytes = 1000
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 2, maxFileBytes: maxFileBytes, maxFiles: 3)
        // Uneven chunks, as pipe reads come: lines are cut anywhere.
        let data = Self.numbered(0..<500)
        var offset = 0
        var chunk = 1
        while offset < data.count {
            let end = min(data.count, offset + chunk)
            try writer.append(Array(data[offset..<end]), stream: .stdout)
            offset = end
            chunk = chunk * 7 % 613 + 1
        }
        #expect(try Files.list(dir.path) == ["2.log", "2.log.1", "2.log.2"])
        for name in try Files.list(dir.path) {
            #expect(try Files.read(dir.path + "/" + name).count <= maxFileBytes)
        }
        let reader = ContainerLogReader(directory: dir.path, pod: "p", container: "c")
        let lines = try reader.lines()
        // Exactly what the files hold, oldest file first...
        let inFiles = try reader.files(restart: 2).flatMap { try records($0) }.map(text)
        #expect(lines == inFiles)
        // ...a run of consecutive numbers that ends with the newest line.
        let numbers = lines.compactMap { Int($0.dropFirst(5)) }
        #expect(numbers.count == lines.count)
        #expect(numbers.last == 499)
        #expect(numbers == Array((numbers.first ?? 0)...499))
        #expect(numbers.count > 40)
    }

    @Test func oneFileOnlyStartsOver() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0, maxFileBytes: 200, maxFiles: 1)
        try writer.append(Self.numbered(0..<20), stream: .stdout)
        #expect(try Files.list(dir.path) == ["0.log"])
        let lines = try ContainerLogReader(directory: dir.path, pod: "p", container: "c").lines()
        #expect(lines.last == "line 000019")
        #expect(try Files.read(dir.path + "/0.log").count <= 200)
    }

    @Test func copiesBeyondALowerLimitArePruned() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        for name in ["0.log.1", "0.log.2", "0.log.7", "1.log.9"] {
            try AtomicFile.write("", to: dir.path + "/" + name)
        }
        _ = try ContainerLogWriter(directory: dir.path, restartCount: 0, maxFiles: 3)
        #expect(try Files.list(dir.path) == ["0.log", "0.log.1", "0.log.2", "1.log.9"])
    }

    @Test func namesParse() {
        #expect(LogFiles.parse("12.log")! == (12, 0))
        #expect(LogFiles.parse("12.log.3")! == (12, 3))
        for bad in ["log", ".log", "a.log", "1.log.", "1.log.0", "1.txt", "1.log.x", "-1.log", "+1.log", "1.log.1.gz"] {
            #expect(LogFiles.parse(bad) == nil, "\(bad)")
        }
    }
}
