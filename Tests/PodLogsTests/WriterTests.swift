import Foundation
import Glibc
import PodCore
import PodLogs
import PodOS
import PodTestSupport
import Testing

@Suite struct WriterTests {
    let limit = 16 * 1024

    @Test func completeLinesAreFullRecords() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        try writer.append(bytes("one\ntwo\n\nthree\r\nfour"), stream: .stdout)
        let written = try records(writer.path)
        #expect(written.map(text) == ["one", "two", "", "three\r"])
        #expect(written.allSatisfy { !$0.isPartial && $0.stream == .stdout && !$0.isMalformed })
        // All records of one append share the read's timestamp.
        #expect(Set(written.map(\.timestamp)).count == 1)
        try writer.append(bytes(" more\n"), stream: .stdout)
        #expect(try records(writer.path).map(text).last == "four more")
        #expect(writer.path == dir.path + "/0.log")
    }

    @Test func linesLongerThan16KiBSplitIntoPartialRecords() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 1)
        let long = (0..<(40 * 1024)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        try writer.append(long + [10], stream: .stdout)
        let written = try records(writer.path)
        #expect(written.map(\.isPartial) == [true, true, false])
        #expect(written.map(\.text.count) == [limit, limit, 40 * 1024 - 2 * limit])
        #expect(written.flatMap(\.text) == long)
        let reader = ContainerLogReader(directory: dir.path, pod: "p", container: "c")
        #expect(try reader.readAll() == long + [10])
    }

    @Test func exactly16KiBStaysOneRecordAsInContainerd() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: limit)
        // Delivered in two reads, the newline in the second.
        try writer.append(Array(line[..<1000]), stream: .stdout)
        try writer.append(Array(line[1000...]), stream: .stdout)
        #expect(try records(writer.path).isEmpty)
        try writer.append([10], stream: .stdout)
        let written = try records(writer.path)
        #expect(written.count == 1 && !written[0].isPartial && written[0].text == line)
        // One byte more, without a newline: a 16 KiB P record at once, the byte waits.
        try writer.append(line + [UInt8(ascii: "y")], stream: .stdout)
        let after = try records(writer.path)
        #expect(after.count == 2 && after[1].isPartial && after[1].text == line)
    }

    @Test func partialFlushThenTheRest() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        try writer.append(bytes("Password: "), stream: .stdout)
        try writer.flushPartial(stream: .stdout)
        try writer.flushPartial(stream: .stdout)  // nothing pending: nothing written
        try writer.append(bytes("ok\n"), stream: .stdout)
        let written = try records(writer.path)
        #expect(written.map(text) == ["Password: ", "ok"])
        #expect(written.map(\.isPartial) == [true, false])
        let reader = ContainerLogReader(directory: dir.path, pod: "p", container: "c")
        #expect(try reader.lines() == ["Password: ok"])
    }

    @Test func closingAStreamWritesItsLastLineAsFull() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        try writer.append(bytes("done\nno newline"), stream: .stderr)
        try writer.close(stream: .stderr)
        try writer.close(stream: .stdout)  // nothing pending
        let written = try records(writer.path)
        #expect(written.map(text) == ["done", "no newline"])
        #expect(written.allSatisfy { !$0.isPartial && $0.stream == .stderr })
        // close() flushes pending data of both streams, and later calls fail cleanly.
        try writer.append(bytes("tail"), stream: .stdout)
        try writer.close()
        #expect(try records(writer.path).map(text).last == "tail")
        #expect(throws: PodError.self) { try writer.append(bytes("x\n"), stream: .stdout) }
    }

    @Test func streamsKeepTheirOwnPartialLines() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        try writer.append(bytes("out-a"), stream: .stdout)
        try writer.append(bytes("err-a"), stream: .stderr)
        try writer.append(bytes("1\nout-b\n"), stream: .stdout)
        try writer.append(bytes("1\n"), stream: .stderr)
        let written = try records(writer.path)
        #expect(written.map { "\($0.stream.rawValue):\(text($0))" } == ["stdout:out-a1", "stdout:out-b", "stderr:err-a1"])
    }

    @Test func interleavedPartialRecordsReassemblePerStream() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        try writer.append(bytes("out-"), stream: .stdout)
        try writer.flushPartial(stream: .stdout)
        try writer.append(bytes("err-"), stream: .stderr)
        try writer.flushPartial(stream: .stderr)
        try writer.append(bytes("whole\n"), stream: .stderr)
        try writer.append(bytes("line\n"), stream: .stdout)
        let reader = ContainerLogReader(directory: dir.path, pod: "p", container: "c")
        #expect(try reader.lines() == ["err-whole", "out-line"])
    }

    @Test func anExistingFileIsContinued() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        do {
            let writer = try ContainerLogWriter(directory: dir.path, restartCount: 3)
            try writer.append(bytes("first\n"), stream: .stdout)
        }
        let again = try ContainerLogWriter(directory: dir.path, restartCount: 3)
        try again.append(bytes("second\n"), stream: .stdout)
        #expect(try records(again.path).map(text) == ["first", "second"])
    }

    @Test func aFullDiskIsReportedAndTheBacklogStaysBounded() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        // /dev/full fails every write with ENOSPC.
        #expect(symlink("/dev/full", dir.path + "/0.log") == 0)
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        let chunk = [UInt8](repeating: UInt8(ascii: "z"), count: 1 << 20)
        var errors: [Int32?] = []
        for _ in 0..<12 {
            do { try writer.append(chunk, stream: .stdout) } catch { errors.append(error.errno) }
        }
        #expect(errors.count == 12 && errors.allSatisfy { $0 == ENOSPC })
        // Over the backlog limit, whole records were shed and counted.
        #expect(writer.droppedBytes > 0)
        #expect(writer.droppedBytes % (16 * 1024 + 41) == 0)
    }

    @Test func twoThreadsMayWriteTheTwoStreams() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0, maxFileBytes: 1 << 30)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let stream: LogStream = index == 0 ? .stdout : .stderr
            for line in 0..<5000 {
                // Split mid-line on purpose: each stream's partial line must stay its own.
                try? writer.append(bytes("\(stream.rawValue) \(line)"), stream: stream)
                try? writer.append(bytes("\n"), stream: stream)
            }
        }
        let written = try records(writer.path)
        for stream in LogStream.allCases {
            let texts = written.filter { $0.stream == stream }.map(text)
            #expect(texts == (0..<5000).map { "\(stream.rawValue) \($0)" })
        }
    }

    @Test func badSettingsAreRejected() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        #expect(throws: PodError.self) { try ContainerLogWriter(directory: dir.path, restartCount: 0, maxFiles: 0) }
        #expect(throws: PodError.self) { try ContainerLogWriter(directory: dir.path, restartCount: 0, maxFileBytes: 0) }
        #expect(throws: PodError.self) { try ContainerLogWriter(directory: "/proc/version/x", restartCount: 0) }
    }
}
