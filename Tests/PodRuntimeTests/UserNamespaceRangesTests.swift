import Foundation
import PodCore
import PodStore
import PodTestSupport
import Testing
@testable import PodRuntime

/// The per-pod blocks of host IDs (no root needed).
struct UserNamespaceRangesTests {
    func directory() throws -> String { try Harness.temporaryDirectory() }
    func key(_ name: String) throws -> PodKey { try PodKey(namespace: "default", name: name) }

    @Test func blocksAreDisjointStableAndComeBack() throws {
        let root = try directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ranges = UserNamespaceRanges(root: root, pool: .init(uidStart: 100_000, gidStart: 300_000, blocks: 2))
        let a = try ranges.allocate(for: key("a"))
        let b = try ranges.allocate(for: key("b"))
        #expect(a.uidMapLine == "0 100000 65536\n" && a.gidMapLine == "0 300000 65536\n")
        #expect(b.hostUID == 165_536 && b.hostGID == 365_536)
        #expect(try ranges.allocate(for: key("a")) == a, "a pod keeps its block")
        #expect(throws: PodError.self) { try ranges.allocate(for: key("c")) }
        try ranges.release(key("a"))
        #expect(try ranges.allocate(for: key("c")) == a)
        #expect(try ranges.reclaim(keeping: [key("c")], minimumAge: 60).isEmpty, "young blocks stay")
        #expect(try ranges.reclaim(keeping: [key("c")], minimumAge: 0) == [key("b")])
    }

    @Test func thePoolComesFromSubuidAndSubgid() throws {
        let root = try directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let subuid = root + "/subuid", subgid = root + "/subgid"
        #expect(try UserNamespaceRanges.configuredPool(subuid: subuid, subgid: subgid) == .init(uidStart: 1 << 31, gidStart: 1 << 31, blocks: 32767))
        try "alice:100000:65536\npodctl:1000000:196608\n".write(toFile: subuid, atomically: true, encoding: .utf8)
        try "podctl:2000000:131072\n".write(toFile: subgid, atomically: true, encoding: .utf8)
        #expect(try UserNamespaceRanges.configuredPool(subuid: subuid, subgid: subgid) == .init(uidStart: 1_000_000, gidStart: 2_000_000, blocks: 2))
        try "podctl:2000000:100\n".write(toFile: subgid, atomically: true, encoding: .utf8)
        let small = #expect(throws: PodError.self) { try UserNamespaceRanges.configuredPool(subuid: subuid, subgid: subgid) }
        #expect(small?.message.contains("fewer than 65536") == true)
        try "".write(toFile: subgid, atomically: true, encoding: .utf8)
        let half = #expect(throws: PodError.self) { try UserNamespaceRanges.configuredPool(subuid: subuid, subgid: subgid) }
        #expect(half?.message.contains("has an entry in \(subuid) but not in \(subgid)") == true)
    }
}
