import CPodShim
import Foundation
import Glibc
import PodOS
import PodTestSupport
import Testing

/// The resolver every in-root path goes through (Sources/PodOS/InRoot.swift), on a plain
/// directory standing for a root: links planted in it aim at the host sentinel.
@Suite struct InRootTests {
    /// A root whose links point at the sentinel: absolute, climbing, dangling and `..`.
    static func plantedRoot(_ sentinel: HostSentinel) throws -> (path: String, fd: Int32) {
        let root = try Harness.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: root + sentinel.path, withIntermediateDirectories: true)
        for (link, target) in ["abs": sentinel.path, "rel": sentinel.climbing(""), "dangling": sentinel.path + "/not-there", "up": ".."] {
            try FileManager.default.createSymbolicLink(atPath: root + "/" + link, withDestinationPath: target)
        }
        return (root, open(root, podshim_O_PATH | O_DIRECTORY | O_CLOEXEC))
    }

    @Test(arguments: [
        ("/abs/made/file", true), ("/rel/made/dir", false), ("/dangling/made", false),
        ("/../../../up/up/abs/x", true), ("/\(String(repeating: "../", count: 20))abs/y", false),
    ])
    func whatIsMadeIsMadeInsideTheRoot(_ path: String, _ asFile: Bool) throws {
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let root = try Self.plantedRoot(sentinel)
        defer { close(root.fd); try? FileManager.default.removeItem(atPath: root.path) }
        let fd = try InRoot.open(root.fd, path, creating: asFile ? .file : .directory)
        defer { close(fd) }
        var made = stat(), link = stat()
        fstat(fd, &made)
        #expect((made.st_mode & S_IFMT) == (asFile ? S_IFREG : S_IFDIR))
        // The descriptor is the name in the planted root's copy of the sentinel's path.
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
        #expect(target.hasPrefix(root.path + sentinel.path + "/"), "\(target)")
        #expect(lstat(target, &link) == 0 && link.st_ino == made.st_ino)
        #expect(HostSentinel.differences(before, sentinel.snapshot()) == [])
    }

    @Test func magicLinksAndLoopsAreRefused() throws {
        let sentinel = try HostSentinel()
        let root = try Self.plantedRoot(sentinel)
        defer { close(root.fd); try? FileManager.default.removeItem(atPath: root.path) }
        try FileManager.default.createSymbolicLink(atPath: root.path + "/loop", withDestinationPath: "loop")
        #expect(throws: (any Error).self) { try InRoot.open(root.fd, "/loop/x", creating: .directory) }
        // With the host's own root as the root, /proc is there: /proc/self is a plain
        // link, /proc/PID/root a magic one, refused.
        let host = open("/", podshim_O_PATH | O_DIRECTORY | O_CLOEXEC)
        defer { close(host) }
        let real = InRoot.open(host, "/proc/self/root/tmp")
        #expect(real < 0 && errno == ELOOP, "RESOLVE_NO_MAGICLINKS refuses /proc/self/root")
    }
}
