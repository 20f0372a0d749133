import Foundation
import Glibc
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

@Suite struct LoadTests {
    let base = Fixture.layer { tar in
        tar.directory("bin")
        tar.file("bin/hello", "#!/bin/sh\necho hello\n", mode: 0o755)
        tar.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
    }
    let top = Fixture.layer({ tar in tar.file("etc/motd", "top layer\n") }, compression: .gzip)

    func checkImage(_ store: ImageStore, _ name: String, layers: [Fixture.Layer], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let image = try store.resolve(name).image
        #expect(image.record.layers.map(\.diffID) == layers.map(\.diffID), sourceLocation: sourceLocation)
        #expect(image.record.layers.map(\.digest) == layers.map(\.blobDigest), sourceLocation: sourceLocation)
        #expect(image.record.layers.map(\.size) == layers.map { Int64($0.blob.count) }, sourceLocation: sourceLocation)
        #expect(image.record.config.cmd == ["sh"], sourceLocation: sourceLocation)
        #expect(image.record.config.user == "1000", sourceLocation: sourceLocation)
        #expect(image.record.config.exposedPorts == ["80/tcp"], sourceLocation: sourceLocation)
        #expect(image.record.config.stopSignal == "SIGQUIT", sourceLocation: sourceLocation)
        #expect(image.record.config.workingDir == "/", sourceLocation: sourceLocation)
        let lower = try store.lowerDirectories(for: image.record)
        #expect(lower.count == layers.count, sourceLocation: sourceLocation)
        #expect(readText(lower.last! + "/bin/hello") == "#!/bin/sh\necho hello\n", sourceLocation: sourceLocation)
        if layers.count > 1 { #expect(readText(lower.first! + "/etc/motd") == "top layer\n", sourceLocation: sourceLocation) }
        for blob in image.record.blobs {
            #expect(Digest.of(try store.blobs.read(blob)) == blob, "blob \(blob) holds what its name says", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [Compression.none, .gzip, .zstd])
    func dockerArchive(compression: Compression) throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        try Fixture.dockerArchive([base, top], tags: ["example.com/app:1", "app:2"]).writeTar(source.file("a.tar"), compression: compression)
        let loaded = try store.store.load(from: source.file("a.tar"), name: nil)
        #expect(loaded.count == 1)
        #expect(loaded[0].names == ["example.com/app:1", "docker.io/library/app:2"])
        try checkImage(store.store, "example.com/app:1", layers: [base, top])
        try checkImage(store.store, "app:2", layers: [base, top])  // short name: docker.io, as docker meant it
        #expect(store.entries("tmp").isEmpty)
    }

    @Test func dockerArchiveWithLinkedLayers() throws {
        // docker save writes a layer that repeats as a symlink to the first copy.
        var files = Fixture.dockerArchive([base, base], tags: ["twice:1"])
        files.files.removeAll { $0.0 == "layer1/layer.tar" }
        var tar = TarBuilder()
        for (name, bytes) in files.files { tar.data(name, bytes) }
        tar.symlink("layer1/layer.tar", to: "../layer0/layer.tar")
        let store = TestStore()
        let source = TemporaryDirectory()
        try tar.write(to: source.file("a.tar"))
        try store.store.load(from: source.file("a.tar"), name: nil)
        let image = try store.store.resolve("twice:1").image
        #expect(image.record.layers.count == 2)
        #expect(store.entries("layers") == [base.diffID.hex])
    }

    @Test func ociLayoutDirectory() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        try Fixture.ociLayout([.init(layers: [base, top], refName: "localhost/web:3")]).writeDirectory(source.path)
        let loaded = try store.store.load(from: source.path, name: nil)
        #expect(loaded.map(\.names) == [["localhost/web:3"]])
        try checkImage(store.store, "web:3", layers: [base, top])
        let index = try String(contentsOfFile: source.path + "/index.json", encoding: .utf8)
        #expect(index.contains(loaded[0].record.digest.description), "the image digest is its manifest's")
    }

    @Test(arguments: [Compression.none, .gzip, .zstd])
    func ociArchiveWithSeveralImages(compression: Compression) throws {
        let zstdTop = Fixture.layer({ tar in tar.file("etc/motd", "top layer\n") }, compression: .zstd)
        let store = TestStore()
        let source = TemporaryDirectory()
        try Fixture.ociLayout([
            .init(layers: [base], refName: "localhost/one:1"),
            .init(layers: [base, zstdTop], refName: "quay.io/team/two:2"),
            .init(layers: [base, top], refName: nil),
        ]).writeTar(source.file("oci.tar"), compression: compression)
        let loaded = try store.store.load(from: source.file("oci.tar"), name: nil)
        #expect(loaded.map(\.names) == [["localhost/one:1"], ["quay.io/team/two:2"], []])
        #expect(loaded[2].notes.contains { $0.contains("<none>") })
        try checkImage(store.store, "one:1", layers: [base])
        try checkImage(store.store, "quay.io/team/two:2", layers: [base, zstdTop])
        try checkImage(store.store, loaded[2].record.id.description, layers: [base, top])
        // base is unpacked once for three images; the gzip and zstd blobs of the top
        // layer hold the same tar, so they share one unpacked layer too.
        #expect(store.entries("layers").sorted() == [base.diffID.hex, top.diffID.hex].sorted())
        #expect(zstdTop.diffID == top.diffID && zstdTop.blobDigest != top.blobDigest)
        #expect(store.entries("tmp").isEmpty)
    }

    @Test func nameOverrides() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        try Fixture.ociLayout([.init(layers: [base], refName: "1"), .init(layers: [base, top], refName: "2")]).writeDirectory(source.path)
        let error = #expect(throws: PodError.self) { try store.store.load(from: source.path, name: "x:1") }
        #expect(error?.message.contains("holds 2 images") == true)
        #expect(store.entries("records").isEmpty)
        let loaded = try store.store.load(from: source.path, name: "busybox")
        #expect(loaded.map(\.names) == [["localhost/busybox:1"], ["localhost/busybox:2"]])
        #expect(try store.store.resolve("busybox:2").image.record.layers.count == 2)
    }

    @Test func wrongBlobDigestIsRefusedAndNothingStored() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        var files = Fixture.ociLayout([.init(layers: [base, top], refName: "localhost/x:1")])
        let name = "blobs/sha256/" + top.blobDigest.hex
        let index = try #require(files.files.firstIndex { $0.0 == name })
        files.files[index].1 = Fixture.layer({ $0.file("etc/motd", "tampered\n") }, compression: .gzip).blob
        try files.writeTar(source.file("oci.tar"))
        let error = #expect(throws: PodError.self) { try store.store.load(from: source.file("oci.tar"), name: nil) }
        #expect(error?.message.contains("blob \(top.blobDigest) has the wrong content") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("layer 2") == true)
        #expect(store.entries("blobs/sha256").isEmpty)
        #expect(store.entries("records").isEmpty)
        #expect(store.entries("tmp").isEmpty)
        #expect(!store.entries("layers").contains(top.diffID.hex))
        #expect((try? store.store.layout.readNames().names.isEmpty) == true)
    }

    @Test func wrongConfigDigestInADockerArchive() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        var files = Fixture.dockerArchive([base], tags: ["x:1"])
        let index = try #require(files.files.firstIndex { $0.0.hasSuffix(".json") && $0.0 != "manifest.json" })
        files.files[index].1 += Array(" ".utf8)
        try files.writeTar(source.file("a.tar"))
        let error = #expect(throws: PodError.self) { try store.store.load(from: source.file("a.tar"), name: nil) }
        #expect(error?.message.contains("has the wrong content") == true)
        #expect(store.isEmpty)
    }

    @Test func diffIDMismatchIsRefused() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        let config = Fixture.config([top])  // claims the other layer's diff ID
        try Fixture.dockerArchive([base], tags: ["x:1"], config: config).writeTar(source.file("a.tar"))
        let error = #expect(throws: PodError.self) { try store.store.load(from: source.file("a.tar"), name: nil) }
        #expect(error?.message.contains("diff ID \(top.diffID)") == true, "\(error?.message ?? "")")
        #expect(store.isEmpty)
    }

    @Test func wrongSizeIsRefused() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        var files = Fixture.ociLayout([.init(layers: [base], refName: "localhost/x:1")])
        let index = try #require(files.files.firstIndex { $0.0 == "index.json" })
        let text = String(decoding: files.files[index].1, as: UTF8.self)
        let manifestSize = try #require(text.range(of: "\"size\":")).upperBound
        let rest = text[manifestSize...].prefix { $0.isNumber }
        files.files[index].1 = Array(text.replacingOccurrences(of: "\"size\":\(rest)", with: "\"size\":\(Int(rest)! + 1)").utf8)
        try files.writeDirectory(source.path)
        let error = #expect(throws: PodError.self) { try store.store.load(from: source.path, name: nil) }
        #expect(error?.message.contains("its descriptor says") == true)
        #expect(store.isEmpty)
    }

    @Test func notAnArchive() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        var tar = TarBuilder()
        tar.file("hello.txt", "hi")
        try tar.write(to: source.file("plain.tar"))
        let error = #expect(throws: PodError.self) { try store.store.load(from: source.file("plain.tar"), name: nil) }
        #expect(error?.message.contains("neither a docker-archive") == true)
        #expect(store.entries("tmp").isEmpty)
        #expect(throws: PodError.self) { try store.store.load(from: source.file("missing.tar"), name: nil) }
    }

    @Test func loadingTwiceChangesNothing() throws {
        let store = TestStore()
        let source = TemporaryDirectory()
        try Fixture.dockerArchive([base, top], tags: ["x:1"]).writeTar(source.file("a.tar"))
        let first = try store.store.load(from: source.file("a.tar"), name: nil)
        let blobs = store.entries("blobs/sha256")
        let second = try store.store.load(from: source.file("a.tar"), name: nil)
        #expect(first[0].record.id == second[0].record.id)
        #expect(first[0].record.digest == second[0].record.digest, "the synthesized manifest is stable")
        #expect(store.entries("blobs/sha256") == blobs)
        #expect(store.entries("records").count == 1)
    }
}
