import CPodShim
import Foundation
import Glibc
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

@Suite struct ImportTests {
    func rootfs() throws -> TarBuilder {
        var tar = TarBuilder()
        tar.directory("bin")
        tar.file("bin/sh", "#!shell", mode: 0o755)
        tar.symlink("bin/ls", to: "sh")
        tar.hardlink("bin/cat", to: "bin/sh")
        tar.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
        return tar
    }

    @Test(arguments: [Compression.none, .gzip, .zstd])
    func importTar(compression: Compression) throws {
        let test = TestStore()
        let source = TemporaryDirectory()
        let tar = try rootfs()
        try tar.write(to: source.file("rootfs.tar"), compression: compression)
        let imported = try test.store.importImage(from: source.file("rootfs.tar"), name: "busybox:1", changes: [
            "CMD [\"sh\", \"-c\", \"echo hi\"]", "ENV LANG=C.UTF-8 TZ=\"Europe/Paris\"", "WORKDIR /srv", "USER 1000:1000",
            "ENTRYPOINT /bin/init", "EXPOSE 8080", "LABEL a=b", "STOPSIGNAL SIGINT",
        ])
        #expect(imported.names == ["localhost/busybox:1"])
        let record = imported.record
        #expect(record.layers.count == 1)
        #expect(record.layers[0].diffID == Digest.of(tar.bytes()))
        #expect(record.layers[0].mediaType == compression.layerMediaType)
        #expect(record.config.cmd == ["sh", "-c", "echo hi"])
        #expect(record.config.entrypoint == ["/bin/sh", "-c", "/bin/init"])
        #expect(record.config.env == [ConfigChanges.defaultPath, "LANG=C.UTF-8", "TZ=Europe/Paris"])
        #expect(record.config.workingDir == "/srv")
        #expect(record.config.user == "1000:1000")
        #expect(record.config.exposedPorts == ["8080/tcp"])
        #expect(record.config.labels == ["a": "b"])
        #expect(record.config.stopSignal == "SIGINT")
        #expect(record.architecture == HostPlatform.architecture && record.os == "linux")
        // The config blob is a real OCI config whose diff_ids name the layer.
        let config = try JSONCoding.decode(ConfigDocument.self, from: test.store.blobs.read(record.id), what: "config")
        #expect(config.rootfs?.diff_ids == [record.layers[0].diffID])
        // The pod's short name finds the imported image.
        #expect(try test.store.resolve("busybox:1").image.record.id == record.id)
        let tree = try test.store.lowerDirectories(for: record)[0]
        #expect(readText(tree + "/bin/cat") == "#!shell")
    }

    @Test func importKeepsAGivenPath() throws {
        let test = TestStore()
        let source = TemporaryDirectory()
        try rootfs().write(to: source.file("r.tar"))
        let record = try test.store.importImage(from: source.file("r.tar"), name: "x", changes: ["ENV PATH /opt/bin:/bin"]).record
        #expect(record.config.env == ["PATH=/opt/bin:/bin"])
        #expect(try test.store.images().first?.names == ["localhost/x:latest"])
    }

    @Test func importDirectory() throws {
        let test = TestStore()
        let source = TemporaryDirectory()
        let root = source.file("rootfs")
        for directory in ["", "/bin", "/etc", "/tmp"] { mkdir(root + directory, 0o755) }
        chmod(root + "/tmp", 0o1777)
        try Data("binary".utf8).write(to: URL(fileURLWithPath: root + "/bin/busybox"))
        chmod(root + "/bin/busybox", 0o755)
        symlink("busybox", root + "/bin/sh")
        link(root + "/bin/busybox", root + "/bin/hard")
        try Data("root:x:0:0\n".utf8).write(to: URL(fileURLWithPath: root + "/etc/passwd"))
        setxattr(root + "/etc/passwd", "user.podctl", "v", 1, 0)
        var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, root + "/etc", &times, 0)

        let record = try test.store.importImage(from: root, name: "fromdir:1", changes: []).record
        let tree = try test.store.lowerDirectories(for: record)[0]
        #expect(readText(tree + "/bin/busybox") == "binary")
        #expect(lstatOf(tree + "/bin/busybox")!.st_mode & 0o7777 == 0o755)
        #expect(lstatOf(tree + "/tmp")!.st_mode & 0o7777 == 0o1777)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: tree + "/bin/sh") == "busybox")
        #expect(lstatOf(tree + "/bin/hard")!.st_ino == lstatOf(tree + "/bin/busybox")!.st_ino)
        #expect(lstatOf(tree + "/etc")!.st_mtim.tv_sec == 1_000_000)
        #expect(xattr(tree + "/etc/passwd", "user.podctl") == [0x76])
        // The same tree imports to the same layer: the tar is deterministic.
        let again = try test.store.importImage(from: root, name: "fromdir:2", changes: []).record
        #expect(again.layers[0].diffID == record.layers[0].diffID)
    }

    @Test(arguments: ["FROM x", "CMD", "CMD [not json", "WORKDIR relative", "EXPOSE http", "LABEL novalue", "ENV \"open"])
    func badChangesAreRefusedBeforeAnyWork(change: String) throws {
        let test = TestStore()
        let source = TemporaryDirectory()
        try rootfs().write(to: source.file("r.tar"))
        let error = #expect(throws: PodError.self) { try test.store.importImage(from: source.file("r.tar"), name: "x", changes: [change]) }
        #expect(error?.message.contains("--change '\(change)'") == true, "\(error?.message ?? "")")
        #expect(test.isEmpty)
    }

    @Test func xzIsNamed() throws {
        let test = TestStore()
        let source = TemporaryDirectory()
        try Data([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]).write(to: URL(fileURLWithPath: source.file("r.tar.xz")))
        let error = #expect(throws: PodError.self) { try test.store.importImage(from: source.file("r.tar.xz"), name: "x", changes: []) }
        #expect(error?.message.contains("compressed with xz") == true)
        #expect(test.isEmpty)
    }
}
