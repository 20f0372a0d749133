import Foundation
import PodCore
@testable import PodRuntime
import PodTestSupport
import Testing

/// #18: the subordinate ID files and the ID maps of a non-root user's pods; no root needed.
@Suite struct SubordinateIDsTests {
    typealias Range = SubordinateIDs.Range

    func parse(_ text: String, _ names: Set<String> = ["ann", "1000"]) throws(PodError) -> [Range] {
        try SubordinateIDs.ranges(of: names, text: text, path: "/etc/subuid")
    }

    @Test func theOwnersRangesByNameAndUIDInFileOrder() throws {
        let text = "bob:100000:65536\nann:165536:65536\n# ann:1:1\n\n1000:300000:10\nannie:1:1\n"
        #expect(try parse(text) == [Range(start: 165536, count: 65536), Range(start: 300000, count: 10)])
        #expect(try parse(text, ["carl"]) == [])
    }

    /// Other owners' lines are not podctl's to judge: a damaged one is skipped.
    @Test func otherOwnersDamagedLinesAreSkipped() throws {
        #expect(try parse("bob:x:y\nbob\n:::\n\u{0}\nann:1:2\n") == [Range(start: 1, count: 2)])
    }

    @Test(arguments: ["ann:1", "ann:1:2:3", "ann:-1:5", "ann:+1:5", "ann: 1:5", "ann:1:0", "ann:1:", "ann::5",
                      "ann:4294967295:1", "ann:1:4294967295", "ann:99999999999:1", "ann:0x10:1", "ann:1:2\r"])
    func aDamagedLineOfTheOwnerIsNamed(_ line: String) {
        let error = #expect(throws: PodError.self) { try parse("bob:1:1\n" + line + "\n") }
        #expect(error?.message.contains("/etc/subuid, line 2") == true, "\(error?.message ?? "")")
    }

    @Test func theLastValidIDsAreAllowed() throws {
        #expect(try parse("ann:4294967293:1\nann:0:4294967295\n") == [Range(start: 4294967293, count: 1), Range(start: 0, count: 4294967295)])
    }

    @Test func atMost64RangesAndOneMebibyte() throws {
        let many = (0..<65).map { "ann:\(100000 + $0 * 10):10" }.joined(separator: "\n")
        let error = #expect(throws: PodError.self) { try parse(many) }
        #expect(error?.message.contains("more than 64 ranges") == true)

        let directory = TemporaryDirectory("podctl-subuid")
        let big = directory.file("subuid")
        try String(repeating: "bob:100000:65536\n", count: 70_000).write(toFile: big, atomically: true, encoding: .utf8)
        let tooBig = #expect(throws: PodError.self) { try SubordinateIDs.ranges(of: ["ann"], in: big) }
        #expect(tooBig?.message.contains("larger than 1048576 bytes") == true)
        #expect(try SubordinateIDs.ranges(of: ["ann"], in: directory.file("missing")) == [])
    }

    @Test func theMapsPutTheUserAtRootThenTheRanges() {
        let maps = RootlessIDMaps(uid: 1000, gid: 1001, subuids: [Range(start: 100000, count: 65536), Range(start: 300000, count: 10)],
                                  subgids: [Range(start: 200000, count: 65536)])
        #expect(maps.uids == [.init(inside: 0, outside: 1000, count: 1), .init(inside: 1, outside: 100000, count: 65536), .init(inside: 65537, outside: 300000, count: 10)])
        #expect(maps.gids == [.init(inside: 0, outside: 1001, count: 1), .init(inside: 1, outside: 200000, count: 65536)])
        #expect(!maps.isSingleID && maps.singleIDWarning(user: "ann") == nil)
        #expect(RootlessIDMaps.arguments(pid: 42, maps.gids) == ["42", "0", "1001", "1", "1", "200000", "65536"])
    }

    /// Ranges that would run past the 32-bit IDs inside the namespace are left out.
    @Test func insideIDsNeverOverflow() {
        let maps = RootlessIDMaps(uid: 1000, gid: 1000, subuids: [Range(start: 0, count: 4294967294), Range(start: 5, count: 5)], subgids: [])
        #expect(maps.uids.count == 2 && maps.uids[1].count == 4294967294)
    }

    @Test func withoutRangesOnlyTheUsersOwnIDIsMappedWithAWarning() throws {
        let maps = RootlessIDMaps(uid: 1000, gid: 1000, subuids: [Range(start: 100000, count: 65536)], subgids: [])
        #expect(maps.isSingleID)
        let warning = try #require(maps.singleIDWarning(user: "ann"))
        #expect(warning.contains("only your own ID is mapped") && warning.contains("usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ann"))
    }

    @Test func aMissingNewuidmapNamesThePackage() throws {
        let directory = TemporaryDirectory("podctl-mapper")
        let error = #expect(throws: PodError.self) { try RootlessIDMaps.mapper("newuidmap", in: [directory.path]) }
        #expect(error?.message.contains("install the uidmap package (apt-get install uidmap)") == true)
        FileManager.default.createFile(atPath: directory.file("newuidmap"), contents: Data(), attributes: [.posixPermissions: 0o755])
        #expect(try RootlessIDMaps.mapper("newuidmap", in: [directory.path]) == directory.file("newuidmap"))
    }

    @Test func theUsersEntriesAreFoundByNameOrUID() throws {
        let directory = TemporaryDirectory("podctl-subids")
        try "ann:100000:65536\n".write(toFile: directory.file("subuid"), atomically: true, encoding: .utf8)
        try "1000:200000:65536\n".write(toFile: directory.file("subgid"), atomically: true, encoding: .utf8)
        let maps = try RootlessIDMaps.forUser(uid: 1000, gid: 1000, name: "ann", subuid: directory.file("subuid"), subgid: directory.file("subgid"))
        #expect(maps.uids.last?.outside == 100000 && maps.gids.last?.outside == 200000)
    }
}
