import Foundation
import Glibc
import PodCore
import PodOS
import PodStore
import Testing
@testable import PodImage
@testable import PodTestSupport

@Suite struct RemovePruneTests {
    let shared = Fixture.layer { $0.file("shared", "s") }
    let onlyA = Fixture.layer { $0.file("a", String(repeating: "a", count: 5000)) }
    let onlyB = Fixture.layer { $0.file("b", "b") }

    func loadTwo(_ test: TestStore) throws {
        let source = TemporaryDirectory()
        try Fixture.ociLayout([
            .init(layers: [shared, onlyA], refName: "localhost/a:1"),
            .init(layers: [shared, onlyB], refName: "localhost/b:1"),
        ]).writeTar(source.file("oci.tar"))
        try test.store.load(from: source.file("oci.tar"), name: nil)
    }

    @Test func removeFreesWhatNoOtherImageNeeds() throws {
        let test = TestStore()
        try loadTwo(test)
        let a = try test.store.resolve("a:1").image.record
        let report = try test.store.remove(["a:1"], force: false, usage: ImageUsage())
        #expect(report.failures.isEmpty)
        #expect(report.untagged == ["localhost/a:1"])
        #expect(report.deleted == [a.id])
        #expect(report.collected.layers.map(\.diffID) == [onlyA.diffID])
        #expect(Set(report.collected.blobs.map(\.digest)) == Set([a.id, a.digest, onlyA.blobDigest]))
        #expect(report.collected.freedBytes >= 5000)
        #expect(test.entries("layers").sorted() == [shared.diffID.hex, onlyB.diffID.hex].sorted())
        #expect(try test.store.lowerDirectories(for: test.store.resolve("b:1").image.record).count == 2)
    }

    @Test func removingOneOfSeveralNamesOnlyUntags() throws {
        let test = TestStore()
        let source = TemporaryDirectory()
        try Fixture.dockerArchive([shared], tags: ["localhost/x:1", "localhost/x:2"]).writeTar(source.file("a.tar"))
        try test.store.load(from: source.file("a.tar"), name: nil)
        let byID = try test.store.remove([try test.store.resolve("x:1").image.record.id.shortID], force: false, usage: ImageUsage())
        #expect(byID.failures.first?.message.contains("several names") == true)
        let report = try test.store.remove(["x:1"], force: false, usage: ImageUsage())
        #expect(report.untagged == ["localhost/x:1"] && report.deleted.isEmpty)
        #expect(try test.store.images().map(\.names) == [["localhost/x:2"]])
        #expect(test.entries("layers").count == 1)
    }

    @Test func imagesInUseByAPodAreKept() throws {
        let test = TestStore()
        try loadTwo(test)
        let key = try PodKey(namespace: "default", name: "web")
        // A short name: found as localhost/a:1. Reading the references from manifests is
        // PodRuntime's (ImageUsageScanTests).
        let usage = ImageUsage(references: [key: ["a:1", "missing:1"]], images: test.store)
        let a = try test.store.resolve("a:1").image.record.id
        #expect(usage.pods(using: a) == [key])

        let refused = try test.store.remove(["a:1"], force: false, usage: usage)
        #expect(refused.failures.first?.message.contains("used by pod default/web") == true)
        #expect(refused.failures.first?.code == .conflict)
        #expect(try test.store.resolve("a:1").image.record.id == a)

        let forced = try test.store.remove(["a:1"], force: true, usage: usage)
        #expect(forced.deleted == [a])
    }

    @Test func unreadableManifestBlocksRemovalWithoutForce() throws {
        let test = TestStore()
        try loadTwo(test)
        let usage = ImageUsage(references: [:], unreadable: ["/state/pods/default/broken/manifest.json"], images: test.store)
        let report = try test.store.remove(["b:1"], force: false, usage: usage)
        #expect(report.failures.first?.message.contains("cannot be read") == true)
    }

    @Test func pruneRemovesDanglingImagesAndLeftovers() throws {
        let test = TestStore()
        try loadTwo(test)
        let source = TemporaryDirectory()
        try Fixture.ociLayout([.init(layers: [onlyB, onlyA], refName: nil)]).writeDirectory(source.path)
        let dangling = try test.store.load(from: source.path, name: nil)[0].record
        // What a killed load leaves: a half-unpacked layer and a half-written blob in tmp/.
        mkdir(test.root + "/tmp/layer-1-1", 0o700)
        try Data("half".utf8).write(to: URL(fileURLWithPath: test.root + "/tmp/layer-1-1/file"))
        try Data("half".utf8).write(to: URL(fileURLWithPath: test.root + "/tmp/blob-1-2"))

        let report = try test.store.prune(usage: ImageUsage())
        #expect(report.images == [dangling.id])
        #expect(report.collected.temporaryEntries == 2)
        #expect(Set(report.collected.blobs.map(\.digest)) == Set([dangling.id, dangling.digest]), "its layers' blobs are shared")
        #expect(report.collected.layers.isEmpty)
        #expect(test.entries("tmp").isEmpty)
        #expect(try test.store.images().count == 2)

        let again = try test.store.prune(usage: ImageUsage())
        #expect(again.images.isEmpty && again.collected.freedBytes == 0)
    }

    @Test func pruneKeepsDanglingImagesThatPodsUse() throws {
        let test = TestStore()
        let source = TemporaryDirectory()
        try Fixture.ociLayout([.init(layers: [onlyB], refName: nil)]).writeDirectory(source.path)
        let image = try test.store.load(from: source.path, name: nil)[0].record
        var usage = ImageUsage()
        usage.users[image.id] = [try PodKey(namespace: "default", name: "p")]
        let report = try test.store.prune(usage: usage)
        #expect(report.images.isEmpty)
        #expect(try test.store.images().count == 1)
    }
}
