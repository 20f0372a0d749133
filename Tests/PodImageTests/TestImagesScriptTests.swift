import Foundation
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

/// The real formats, made by the real tools: deploy/images/build-test-images.sh builds
/// busybox images with umoci and skopeo, and every one of them loads.
@Suite(.serialized) struct TestImagesScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/images/build-test-images.sh").path

    static var missingTools: [String] {
        ["umoci", "skopeo", "zstd", "tar", "gzip"].filter { !hasTool($0) } + (FileManager.default.fileExists(atPath: "/bin/busybox") ? [] : ["busybox-static"])
    }

    @Test(.requires(TestImagesScriptTests.missingTools.isEmpty, "the test-image script needs umoci, skopeo, zstd, tar, gzip and busybox-static"))
    func everyFormatOfTheScriptLoads() throws {
        let out = TemporaryDirectory("podimage-script")
        let built = try run(["sh", Self.script, out.path])
        #expect(built.status == 0, "\(built.output)")
        guard built.status == 0 else { return }
        let again = try run(["sh", Self.script, out.path])
        #expect(again.status == 0, "the script is idempotent")

        let test = TestStore()
        let docker = try test.store.load(from: out.file("busybox-docker.tar"), name: nil)
        #expect(docker.map(\.names) == [["localhost/busybox:1"]])
        let ociArchive = try test.store.load(from: out.file("busybox-oci.tar"), name: nil)
        #expect(ociArchive.map(\.names) == [["localhost/busybox:1"]])
        #expect(ociArchive[0].record.id == docker[0].record.id, "the same config, so the same image")
        let layout = try test.store.load(from: out.file("oci"), name: "localhost/busybox")
        #expect(layout.map(\.names) == [["localhost/busybox:1"]], "the tag comes from umoci's ref.name")
        #expect(layout[0].record.config.cmd == ["sh"])

        for (file, name) in [("busybox.tar", "imp:plain"), ("busybox.tar.gz", "imp:gzip"), ("busybox.tar.zst", "imp:zstd"), ("rootfs", "imp:dir")] {
            let imported = try test.store.importImage(from: out.file(file), name: name, changes: [])
            let tree = try test.store.lowerDirectories(for: imported.record)[0]
            #expect(FileManager.default.isExecutableFile(atPath: tree + "/bin/busybox"), "\(file)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: tree + "/bin/sh") == "busybox")
            #expect(readText(tree + "/etc/passwd")?.contains("nobody") == true)
        }
        let names = Set(try test.store.images().flatMap(\.names))
        #expect(names == ["localhost/busybox:1", "localhost/imp:plain", "localhost/imp:gzip", "localhost/imp:zstd", "localhost/imp:dir"])
        // The plain, gzip and zstd tars hold one tar: one unpacked layer for the three
        // imports and the loads (umoci's layer is that tar, gzipped); the directory import
        // is tarred by podctl, so its bytes (and diff ID) differ.
        #expect(test.entries("layers").count == 2)
    }
}
