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

    @Test(arguments: LayerAttack.allCases)
    func refused(_ attack: LayerAttack) throws {
        let (tar, entry, reason) = attack.tar(aimingAt: sentinel)
        try expectRefused(tar, entry: entry, because: reason)
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

/// The layers refused by name: each builds its tar (aimed at the sentinel) and says
/// which entry the error must name, and why.
enum LayerAttack: String, CaseIterable, Sendable {
    case dotDotPath, dotDotInsideAPath, symlinkToOutsideThenEntryThroughIt
    case relativeSymlinkClimbingOutThenEntryThroughIt, symlinkChainThenDirectoryEntry
    case evenASymlinkInsideIsNeverFollowed, hardlinkToOutside, hardlinkToAnAbsolutePathNotInTheLayer
    case whiteoutOfDotDot, whiteoutThroughASymlink, fileWhereADirectoryShouldBe

    func tar(aimingAt sentinel: HostSentinel) -> (TarBuilder, entry: String, reason: String) {
        var tar = TarBuilder()
        switch self {
        case .dotDotPath:
            tar.file(sentinel.climbing("pwned"), "x")
            return (tar, sentinel.climbing("pwned"), "\"..\"")
        case .dotDotInsideAPath:
            tar.directory("a")
            tar.file("a/../../pwned", "x")
            return (tar, "a/../../pwned", "\"..\"")
        case .symlinkToOutsideThenEntryThroughIt:
            tar.symlink("evil", to: sentinel.path)
            tar.file("evil/pwned", "x")
            return (tar, "evil/pwned", "a symlink")
        case .relativeSymlinkClimbingOutThenEntryThroughIt:
            tar.directory("a")
            tar.symlink("a/up", to: sentinel.climbing(""))
            tar.directory("a/up/sub")
            return (tar, "a/up/sub/", "a symlink")  // libarchive writes directories with a slash
        case .symlinkChainThenDirectoryEntry:
            tar.symlink("one", to: "two")
            tar.symlink("two", to: sentinel.path)
            tar.file("one/pwned", "x")
            return (tar, "one/pwned", "a symlink")
        case .evenASymlinkInsideIsNeverFollowed:
            tar.directory("real")
            tar.symlink("alias", to: "real")
            tar.file("alias/file", "x")
            return (tar, "alias/file", "a symlink")
        case .hardlinkToOutside:
            tar.hardlink("passwd", to: sentinel.climbing("etc/passwd"))
            return (tar, "passwd", "\"..\"")
        case .hardlinkToAnAbsolutePathNotInTheLayer:
            tar.hardlink("passwd", to: "/etc/passwd")  // means <layer>/etc/passwd, which is not there
            return (tar, "passwd", "not in the layer")
        case .whiteoutOfDotDot:
            tar.file("dir/.wh...", "")
            return (tar, "dir/.wh...", "not a file name")
        case .whiteoutThroughASymlink:
            tar.symlink("d", to: sentinel.path)
            tar.file("d/.wh.victim", "")
            return (tar, "d/.wh.victim", "a symlink")
        case .fileWhereADirectoryShouldBe:
            tar.file("f", "x")
            tar.file("f/child", "y")
            return (tar, "f/child", "not a directory")
        }
    }
}
