import Foundation
import Glibc
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

/// Layers that try to reach outside their directory (moved here from PodImageTests, so
/// the standing suite holds them). Each is imported through the store (the way a user
/// would meet it), must be refused with an error naming the entry, must leave nothing
/// in the store (no layer, no blob, no temporary directory), and must not have touched
/// the host: every escape aims at the host sentinel, which must be as it was.
@Suite struct HostileLayerTests {
    let sentinel: HostSentinel
    let before: [HostSentinel.Entry]

    init() throws {
        sentinel = try HostSentinel()
        before = sentinel.snapshot()
    }

    var hostChanges: [String] { HostSentinel.differences(before, sentinel.snapshot()) }

    func expectRefused(_ tar: TarBuilder, entry: String, because reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        try tar.write(to: source.file("hostile.tar"))
        let error = #expect(throws: PodError.self, sourceLocation: sourceLocation) {
            try store.store.importImage(from: source.file("hostile.tar"), name: "hostile", changes: [])
        }
        #expect(error?.message.contains("entry \"\(entry)\" is refused") == true, "\(error?.message ?? "no error")", sourceLocation: sourceLocation)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "no error")", sourceLocation: sourceLocation)
        #expect(store.isEmpty, "left behind: blobs \(store.entries("blobs/sha256")), layers \(store.entries("layers")), tmp \(store.entries("tmp"))", sourceLocation: sourceLocation)
        #expect(hostChanges.isEmpty, "the host was touched: \(hostChanges)", sourceLocation: sourceLocation)
    }

    @Test func dotDotPath() throws {
        var tar = TarBuilder()
        tar.file(sentinel.climbing("pwned"), "x")
        try expectRefused(tar, entry: sentinel.climbing("pwned"), because: "\"..\"")
    }

    @Test func dotDotInsideAPath() throws {
        var tar = TarBuilder()
        tar.directory("a")
        tar.file("a/../../pwned", "x")
        try expectRefused(tar, entry: "a/../../pwned", because: "\"..\"")
    }

    @Test func symlinkToOutsideThenEntryThroughIt() throws {
        var tar = TarBuilder()
        tar.symlink("evil", to: sentinel.path)
        tar.file("evil/pwned", "x")
        try expectRefused(tar, entry: "evil/pwned", because: "a symlink")
    }

    @Test func relativeSymlinkClimbingOutThenEntryThroughIt() throws {
        var tar = TarBuilder()
        tar.directory("a")
        tar.symlink("a/up", to: sentinel.climbing(""))
        tar.directory("a/up/sub")
        try expectRefused(tar, entry: "a/up/sub/", because: "a symlink")  // libarchive writes directories with a slash
    }

    @Test func symlinkChainThenDirectoryEntry() throws {
        var tar = TarBuilder()
        tar.symlink("one", to: "two")
        tar.symlink("two", to: sentinel.path)
        tar.file("one/pwned", "x")
        try expectRefused(tar, entry: "one/pwned", because: "a symlink")
    }

    @Test func evenASymlinkInsideIsNeverFollowed() throws {
        var tar = TarBuilder()
        tar.directory("real")
        tar.symlink("alias", to: "real")
        tar.file("alias/file", "x")
        try expectRefused(tar, entry: "alias/file", because: "a symlink")
    }

    @Test func hardlinkToOutside() throws {
        var tar = TarBuilder()
        tar.hardlink("passwd", to: sentinel.climbing("etc/passwd"))
        try expectRefused(tar, entry: "passwd", because: "\"..\"")
    }

    @Test func hardlinkThroughASymlink() throws {
        let target = sentinel.path + "/etc/passwd"
        var tar = TarBuilder()
        tar.symlink("out", to: sentinel.path + "/etc")
        tar.hardlink("stolen", to: "out/passwd")
        let store = TestStore()
        let source = TemporaryDirectory()
        try tar.write(to: source.file("hostile.tar"))
        let error = #expect(throws: PodError.self) { try store.store.importImage(from: source.file("hostile.tar"), name: "h", changes: []) }
        #expect(error?.message.contains("entry \"stolen\" is refused") == true)
        #expect(store.isEmpty)
        #expect(lstatOf(target)?.st_nlink == 1, "no link to the host's file was made")
        #expect(hostChanges.isEmpty, "\(hostChanges)")
    }

    @Test func hardlinkToAnAbsolutePathNotInTheLayer() throws {
        var tar = TarBuilder()
        tar.hardlink("passwd", to: "/etc/passwd")  // means <layer>/etc/passwd, which is not there
        try expectRefused(tar, entry: "passwd", because: "not in the layer")
    }

    @Test func whiteoutOfDotDot() throws {
        var tar = TarBuilder()
        tar.file("dir/.wh...", "")
        try expectRefused(tar, entry: "dir/.wh...", because: "not a file name")
    }

    @Test func whiteoutThroughASymlink() throws {
        var tar = TarBuilder()
        tar.symlink("d", to: sentinel.path)
        tar.file("d/.wh.victim", "")
        try expectRefused(tar, entry: "d/.wh.victim", because: "a symlink")
    }

    @Test func fileWhereADirectoryShouldBe() throws {
        var tar = TarBuilder()
        tar.file("f", "x")
        tar.file("f/child", "y")
        try expectRefused(tar, entry: "f/child", because: "not a directory")
    }

    /// Absolute names are the OCI convention for "relative to the layer root": accepted,
    /// and they land inside the layer, never at the host path they spell.
    @Test func absolutePathsStayInside() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        var tar = TarBuilder()
        tar.file(sentinel.path + "/pwned", "inside")
        tar.file("/etc/podimage-test", "x")
        try tar.write(to: source.file("abs.tar"))
        let image = try store.store.importImage(from: source.file("abs.tar"), name: "abs", changes: [])
        let tree = try #require(try store.store.lowerDirectories(for: image.record).first)
        #expect(readText(tree + sentinel.path + "/pwned") == "inside")
        #expect(readText(tree + "/etc/podimage-test") == "x")
        #expect(hostChanges.isEmpty, "\(hostChanges)")
        #expect(lstatOf("/etc/podimage-test") == nil)
    }

    /// A symlink to a host file, then a regular file of the same name: the link is
    /// replaced, never written through.
    @Test func fileReplacingASymlinkDoesNotWriteThroughIt() throws {
        let victim = sentinel.path + "/canary"
        var tar = TarBuilder()
        tar.symlink("x", to: victim)
        tar.file("x", "replaced")
        let layer = try unpack(tar)
        #expect(readText(victim) == "untouched\n")
        #expect(hostChanges.isEmpty, "\(hostChanges)")
        #expect(readText(layer.file("root/x")) == "replaced")
        #expect(lstatOf(layer.file("root/x"))!.st_mode & S_IFMT == S_IFREG)
    }

    /// A hostile layer inside an otherwise valid docker-archive: refused, and no blob of
    /// that image stays (the good first layer may stay unpacked until prune).
    @Test func hostileLayerInAnArchive() throws {
        let good = Fixture.layer { $0.file("ok", "ok") }
        let bad = Fixture.layer { $0.symlink("evil", to: sentinel.path); $0.file("evil/pwned", "x") }
        let store = TestStore()
        let source = TemporaryDirectory()
        try Fixture.dockerArchive([good, bad], tags: ["hostile:1"]).writeTar(source.file("a.tar"))
        let error = #expect(throws: PodError.self) { try store.store.load(from: source.file("a.tar"), name: nil) }
        #expect(error?.message.contains("layer 2") == true)
        #expect(error?.message.contains("entry \"evil/pwned\" is refused") == true)
        #expect(store.entries("blobs/sha256").isEmpty)
        #expect(store.entries("records").isEmpty)
        #expect(store.entries("tmp").isEmpty)
        #expect(store.entries("layers") == [good.diffID.hex])
        #expect(hostChanges.isEmpty, "\(hostChanges)")
    }
}
