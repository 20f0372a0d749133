import Foundation
import Glibc
import PodCore
import PodImage
import PodOS
import PodTestSupport
import Testing

/// `podctl cp POD:SRC DEST` reads a tar stream the container makes: hostile input. No
/// member may write outside DEST, whatever its name (`../`, absolute), and no symlink
/// (in the stream, or planted in DEST) is followed; the sentinel proves it from outside.
@Suite(.serialized) struct CopyEscapeTests {
    /// The crafted stream: kubectl's cases and a few of its own.
    static func hostileStream(_ sentinel: HostSentinel) -> [UInt8] {
        var tar = UStar()
        tar.directory("data/")
        tar.file("data/ok", "inside\n")
        tar.file("data/" + sentinel.climbing("climbed"), "escaped\n")
        tar.file("data/sub/../../../escaped", "escaped\n")
        tar.symlink("data/link", to: sentinel.path)
        tar.file("data/link/through", "inside\n")
        tar.hardlink("data/hard", to: sentinel.path + "/canary")
        tar.file("datax/sibling", "escaped\n")
        return tar.finished()
    }

    @Test func aHostileStreamWritesNothingOutsideTheDestination() throws {
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let work = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        var warnings: [String] = []
        try extract(Self.hostileStream(sentinel), into: work + "/out", prefix: "data") { warnings.append($0) }
        #expect(try String(contentsOfFile: work + "/out/ok", encoding: .utf8) == "inside\n")
        #expect(try String(contentsOfFile: work + "/out/link/through", encoding: .utf8) == "inside\n", "the skipped symlink left a plain directory")
        #expect(warnings.contains { $0.hasPrefix("warning: skipping symlink: \"\(work)/out/link\" -> ") })
        #expect(warnings.filter { $0.contains("is outside target destination, skipping") }.count == 3, "\(warnings)")
        #expect(warnings.contains { $0.contains("/out/hard") && $0.contains("not a regular file or directory") })
        #expect(!FileManager.default.fileExists(atPath: work + "/escaped"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work) == ["out"])
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    @Test func absoluteNamesAreRefusedAsKubectlRefusesThem() throws {
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let work = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        for prefix in ["data", ""] {
            var tar = UStar()
            tar.file(sentinel.path + "/absolute", "escaped\n")
            #expect(throws: (any Error).self) { try extract(tar.finished(), into: work + "/out", prefix: prefix) { _ in } }
        }
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    /// A symlink already in the destination (made by anyone) is never followed: not as a
    /// directory on the way, not as the file itself, not as the destination.
    @Test func symlinksInTheDestinationAreNeverFollowed() throws {
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let work = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work + "/out", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: work + "/out/planted", withDestinationPath: sentinel.path)
        try FileManager.default.createSymbolicLink(atPath: work + "/out/canary", withDestinationPath: sentinel.path + "/canary")
        try FileManager.default.createSymbolicLink(atPath: work + "/elsewhere", withDestinationPath: sentinel.path)
        let streams: [(String, [UInt8])] = [
            ("out", { var t = UStar(); t.file("data/planted/etc/passwd", "pwned\n"); return t.finished() }()),
            ("out", { var t = UStar(); t.file("data/canary", "pwned\n"); return t.finished() }()),
            ("elsewhere", { var t = UStar(); t.file("data/canary", "pwned\n"); return t.finished() }()),
            ("elsewhere", { var t = UStar(); t.directory("data/"); t.file("data/new", "pwned\n"); return t.finished() }()),
        ]
        for (destination, stream) in streams {
            #expect(throws: (any Error).self, "\(destination)") { try extract(stream, into: work + "/" + destination, prefix: "data") { _ in } }
        }
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    @Test func sizesAndCountsAreBounded() throws {
        let work = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        var tar = UStar()
        for index in 0..<5 { tar.file("data/f\(index)", String(repeating: "x", count: 1000)) }
        let small = CopyLimits(bytes: 2500, entries: 100)
        #expect(throws: (any Error).self) { try extract(tar.finished(), into: work + "/a", prefix: "data", limits: small) { _ in } }
        #expect(throws: (any Error).self) { try extract(tar.finished(), into: work + "/b", prefix: "data", limits: CopyLimits(bytes: 1 << 20, entries: 3)) { _ in } }
        #expect(throws: (any Error).self, "not a tar") { try extract(Array("garbage".utf8), into: work + "/c", prefix: "data") { _ in } }
    }

    /// The whole path: a container whose `tar` (first on its PATH) emits the crafted
    /// stream, and whose files include a symlink to the sentinel.
    @Test(.needsRoot) func aContainerThatLiesThroughTarCannotEscape() throws {
        let sentinel = try HostSentinel()
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Harness.busyboxPod("liar", container: "command: [sh, -c, 'mkdir -p /data; echo fine > /data/ok; ln -s \(sentinel.path) /data/out; exec sleep 1000']"))
        try harness.waitForRunning("liar", containers: ["c"])
        let before = sentinel.snapshot()
        let local = harness.base + "/copied"
        // The honest tar first: the symlink is skipped with kubectl's warning.
        let honest = try harness.run(["cp", "liar:/data", local])
        #expect(honest.status == 0, "\(honest.stderr)")
        #expect(honest.stderr.contains("warning: skipping symlink: \"\(local)/out\" -> \"\(sentinel.path)\""), "\(honest.stderr)")
        #expect(try String(contentsOfFile: local + "/ok", encoding: .utf8) == "fine\n")
        // Then the lying one.
        let stream = String(decoding: Self.hostileStream(sentinel), as: UTF8.self)
        #expect(try harness.run(["exec", "-i", "liar", "--", "sh", "-c", "mkdir -p /usr/local/bin; cat > /evil.tar; printf '#!/bin/sh\\ncat /evil.tar\\n' > /usr/local/bin/tar; chmod +x /usr/local/bin/tar"], stdin: stream).status == 0)
        let lied = try harness.run(["cp", "liar:/data", harness.base + "/lied"])
        #expect(lied.status == 0, "\(lied.stderr)")
        #expect(lied.stderr.contains("is outside target destination, skipping"))
        #expect(try String(contentsOfFile: harness.base + "/lied/ok", encoding: .utf8) == "inside\n")
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/escaped"))
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    private func extract(_ stream: [UInt8], into destination: String, prefix: String, limits: CopyLimits = .defaults, warn: @escaping (String) -> Void) throws {
        // The stream from a file, as the pipe from the container's tar would give it.
        let file = try Harness.temporaryDirectory() + "/stream.tar"
        defer { try? FileManager.default.removeItem(atPath: Files.dirname(of: file)) }
        try Data(stream).write(to: URL(fileURLWithPath: file))
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        defer { close(fd) }
        try CopyExtractor(destination: destination, prefix: prefix, limits: limits, warn: warn).extract(from: fd)
    }
}

/// A minimal ustar writer for crafted streams: names as given, nothing normalized.
struct UStar {
    private var bytes: [UInt8] = []

    mutating func file(_ name: String, _ content: String) { add(name, type: "0", size: content.utf8.count, link: ""); pad(Array(content.utf8)) }
    mutating func directory(_ name: String) { add(name, type: "5", size: 0, link: "") }
    mutating func symlink(_ name: String, to target: String) { add(name, type: "2", size: 0, link: target) }
    mutating func hardlink(_ name: String, to target: String) { add(name, type: "1", size: 0, link: target) }

    func finished() -> [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

    private mutating func add(_ name: String, type: Character, size: Int, link: String) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (index, byte) in Array(text.utf8).prefix(length).enumerated() { header[offset + index] = byte }
        }
        // Names past 100 bytes go to the ustar prefix field (155 bytes) split at a slash.
        if name.utf8.count > 100, let slash = name.utf8.prefix(155).lastIndex(of: UInt8(ascii: "/")) {
            let split = name.utf8.distance(from: name.utf8.startIndex, to: slash)
            put(String(name.prefix(split)), 345, 155)
            put(String(name.dropFirst(split + 1)), 0, 100)
        } else {
            put(name, 0, 100)
        }
        put("0000644", 100, 8); put("0000000", 108, 8); put("0000000", 116, 8)
        put(String(format: "%011o", size), 124, 12); put("00000000000", 136, 12)
        put(String(type), 156, 1); put(link, 157, 100); put("ustar", 257, 6); put("00", 263, 2)
        put("        ", 148, 8)
        let sum = header.reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", sum) + "\0 ", 148, 8)
        header[154] = 0; header[155] = 0x20
        bytes += header
    }

    private mutating func pad(_ content: [UInt8]) {
        bytes += content
        bytes += [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
    }
}
