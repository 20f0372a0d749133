import CPodShim
import Foundation
import Glibc
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

func xattr(_ path: String, _ name: String) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: 256)
    let size = lgetxattr(path, name, &buffer, buffer.count)
    return size < 0 ? nil : Array(buffer.prefix(size))
}

@Suite struct UnpackTests {
    @Test(arguments: [Compression.none, .gzip, .zstd])
    func contentModesTimesAndLinks(compression: Compression) throws {
        var tar = TarBuilder()
        tar.directory("etc", mode: 0o750, mtime: 1_000_000_000)
        tar.file("etc/hosts", "127.0.0.1 localhost\n", mode: 0o640, mtime: 1_234_567_890)
        tar.file("bin/tool", "#!/bin/sh\n", mode: 0o4755)  // no entry for bin/: made implicitly
        tar.symlink("bin/sh", to: "tool")
        tar.symlink("abs", to: "/etc/hosts")
        tar.hardlink("etc/hosts.link", to: "etc/hosts")
        tar.hardlink("etc/again", to: "/etc/hosts")  // absolute: relative to the layer root
        tar.fifo("run/fifo")
        tar.file(bytes: [0x6e, 0xff, 0x6e], [0x41])  // a name that is not UTF-8
        let layer = try unpack(tar, compression: compression)
        let root = layer.file("root")

        #expect(readText(root + "/etc/hosts") == "127.0.0.1 localhost\n")
        let hosts = try #require(lstatOf(root + "/etc/hosts"))
        #expect(hosts.st_mode & 0o7777 == 0o640)
        #expect(hosts.st_mtim.tv_sec == 1_234_567_890)
        #expect(hosts.st_nlink == 3)
        #expect(lstatOf(root + "/etc/hosts.link")?.st_ino == hosts.st_ino)
        #expect(lstatOf(root + "/etc/again")?.st_ino == hosts.st_ino)
        let etc = try #require(lstatOf(root + "/etc"))
        #expect(etc.st_mode & 0o7777 == 0o750)
        #expect(etc.st_mtim.tv_sec == 1_000_000_000, "a directory keeps its mtime though children were written after it")
        #expect(lstatOf(root + "/bin/tool")!.st_mode & 0o7777 == 0o4755)
        #expect(lstatOf(root + "/bin")!.st_mode & 0o777 == 0o755)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/bin/sh") == "tool")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/abs") == "/etc/hosts")
        #expect(lstatOf(root + "/run/fifo")!.st_mode & S_IFMT == S_IFIFO)
        var odd = Array((root + "/n").utf8CString)
        odd.removeLast()
        odd += [CChar(bitPattern: 0xff), CChar(0x6e), 0]
        var info = stat()
        #expect(lstat(odd, &info) == 0, "raw byte names are kept as they are")
    }

    @Test func userXattrs() throws {
        var tar = TarBuilder()
        tar.file("f", "x", xattrs: [("user.podctl.test", Array("value".utf8))])
        let layer = try unpack(tar)
        #expect(xattr(layer.file("root/f"), "user.podctl.test") == Array("value".utf8))
    }

    @Test(.needsRoot("setting trusted.* xattrs needs root")) func overlayXattrsFromTheTarAreDropped() throws {
        var tar = TarBuilder()
        tar.directory("d", mode: 0o755)
        tar.entries[0].xattrs = [("trusted.overlay.redirect", Array("/etc".utf8)), ("trusted.overlay.opaque", [0x79])]
        tar.file("f", "x", xattrs: [("trusted.overlay.metacopy", []), ("security.capability", Self.capNetBindService)])
        let layer = try unpack(tar)
        #expect(xattr(layer.file("root/d"), "trusted.overlay.redirect") == nil)
        #expect(xattr(layer.file("root/d"), "trusted.overlay.opaque") == nil)
        #expect(xattr(layer.file("root/f"), "trusted.overlay.metacopy") == nil)
        #expect(xattr(layer.file("root/f"), "security.capability") == Self.capNetBindService, "file capabilities are kept")
    }

    /// A VFS_CAP_REVISION_2 value granting CAP_NET_BIND_SERVICE (linux/capability.h).
    static let capNetBindService: [UInt8] = [0, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]

    @Test(.needsRoot("unpacking owners and device nodes needs root")) func ownersAndDevices() throws {
        var tar = TarBuilder()
        tar.directory("home/app", mode: 0o700, uid: 1000, gid: 1000)
        tar.file("home/app/data", "d", mode: 0o2750, uid: 1000, gid: 1001)
        tar.symlink("home/app/link", to: "data")
        tar.entries[tar.entries.count - 1].uid = 1002
        tar.device("dev/null", major: 1, minor: 3)
        tar.device("dev/big", major: 4095, minor: 1_048_000)
        let layer = try unpack(tar)
        let root = layer.file("root")
        let data = try #require(lstatOf(root + "/home/app/data"))
        #expect(data.st_uid == 1000 && data.st_gid == 1001)
        #expect(data.st_mode & 0o7777 == 0o2750, "setgid survives chown: the mode is set after the owner")
        #expect(lstatOf(root + "/home/app")!.st_uid == 1000)
        #expect(lstatOf(root + "/home/app/link")!.st_uid == 1002, "symlinks get their own owner (lchown)")
        let null = try #require(lstatOf(root + "/dev/null"))
        #expect(null.st_mode & S_IFMT == S_IFCHR)
        #expect(null.st_rdev == 0x0103)
        #expect(null.st_mode & 0o777 == 0o666)
        let big = try #require(lstatOf(root + "/dev/big"))
        #expect(big.st_rdev == 0xFFDF_FFC0, "makedev(4095, 1048000): the split encoding of sys/sysmacros.h")
    }

    @Test(.needsRoot("whiteouts (character devices, trusted.* xattrs) needs root")) func whiteoutsBecomeOverlayWhiteouts() throws {
        var tar = TarBuilder()
        tar.file(".wh.gone")
        tar.directory("opaque")
        tar.file("opaque/.wh..wh..opq")
        tar.file("opaque/kept", "k")
        tar.file("deep/dir/.wh..wh..opq")  // the directory is not in the layer: made, then marked
        tar.file(".wh..wh.plnk")  // AUFS bookkeeping: skipped
        let layer = try unpack(tar)
        let root = layer.file("root")
        let gone = try #require(lstatOf(root + "/gone"))
        #expect(gone.st_mode & S_IFMT == S_IFCHR && gone.st_rdev == 0)
        #expect(gone.st_uid == 0 && gone.st_gid == 0)
        #expect(lstatOf(root + "/.wh.gone") == nil)
        #expect(xattr(root + "/opaque", "trusted.overlay.opaque") == [0x79])
        #expect(xattr(root + "/deep/dir", "trusted.overlay.opaque") == [0x79])
        #expect(lstatOf(root + "/opaque/.wh..wh..opq") == nil)
        #expect(readText(root + "/opaque/kept") == "k")
        #expect(lstatOf(root + "/.wh..wh.plnk") == nil && lstatOf(root + "/plnk") == nil)
    }

    @Test func laterEntriesReplaceEarlierOnes() throws {
        var tar = TarBuilder()
        tar.directory("d")
        tar.file("d/child", "c")
        tar.file("d", "now a file")  // replaces the directory and what it held
        tar.file("f", "first")
        tar.file("f", "second")
        tar.symlink("s", to: "f")
        tar.directory("s")  // a directory where a symlink was: the link goes, never followed
        tar.file("s/inside", "i")
        let layer = try unpack(tar)
        let root = layer.file("root")
        #expect(readText(root + "/d") == "now a file")
        #expect(readText(root + "/f") == "second")
        #expect(lstatOf(root + "/s")!.st_mode & S_IFMT == S_IFDIR)
        #expect(readText(root + "/s/inside") == "i")
        #expect(readText(root + "/f") == "second")
    }

    @Test func notATarIsAClearError() throws {
        let directory = TemporaryDirectory()
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: directory.file("x")))
        mkdir(directory.file("root"), 0o755)
        let error = #expect(throws: PodError.self) {
            let reader = try TarReader(path: directory.file("x"), hashing: true, what: "the test layer")
            try LayerUnpacker(directory: directory.file("root"), what: "the test layer").unpack(reader)
        }
        #expect(error?.message.contains("not a tar archive") == true)
    }
}
