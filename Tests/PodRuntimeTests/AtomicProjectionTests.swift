import Foundation
import Glibc
import PodTestSupport
import Testing
@testable import PodRuntime

/// The kubelet's AtomicWriter layout of configMap and secret volumes (no root needed).
@Suite struct AtomicProjectionTests {
    private func file(_ path: String, _ text: String, mode: mode_t = 0o644) -> AtomicProjection.File {
        AtomicProjection.File(path: path, content: Array(text.utf8), mode: mode)
    }

    private func link(_ path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: path)
    }

    @Test func anUpdateSwapsDataAndRemovesTheOldVersionAndStaleKeys() throws {
        let temporary = TemporaryDirectory("projection")
        let directory = temporary.path + "/volume"
        let projection = AtomicProjection(directory: directory)
        #expect(try projection.write([file("a.txt", "one"), file("sub/b.txt", "two")]))
        let first = try #require(link(directory + "/..data"))
        #expect(first.hasPrefix("..") && first.count == "..2026_12_02_15_04_05.XXXXXX".count, "\(first)")
        #expect(link(directory + "/a.txt") == "..data/a.txt" && link(directory + "/sub") == "..data/sub")
        #expect(try String(contentsOfFile: directory + "/sub/b.txt", encoding: .utf8) == "two")

        #expect(try projection.write([file("a.txt", "one"), file("sub/b.txt", "two")]) == false, "the same payload writes nothing")
        #expect(link(directory + "/..data") == first)

        #expect(try projection.write([file("a.txt", "changed")]))
        let second = try #require(link(directory + "/..data"))
        #expect(second != first)
        #expect(try String(contentsOfFile: directory + "/a.txt", encoding: .utf8) == "changed")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["..data", second, "a.txt"].sorted(), "the old version, ..data_tmp and the stale key are gone: \(names)")
    }

    @Test func aModeChangeIsAnUpdateAndAnOlderLayoutIsReplaced() throws {
        let temporary = TemporaryDirectory("projection")
        let directory = temporary.path + "/volume"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "old".write(toFile: directory + "/a.txt", atomically: false, encoding: .utf8)
        let projection = AtomicProjection(directory: directory)
        #expect(try projection.write([file("a.txt", "new")]))
        #expect(link(directory + "/a.txt") == "..data/a.txt")
        #expect(try projection.write([file("a.txt", "new", mode: 0o400)]))
        var info = stat()
        #expect(stat(directory + "/a.txt", &info) == 0 && info.st_mode & 0o777 == 0o400)
        #expect(throws: (any Error).self) { try projection.write([file("..data", "x")]) }
    }
}
