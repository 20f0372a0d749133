import Foundation
import Glibc
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

/// Runs `body` on `count` dedicated threads at once and returns their errors.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) -> [String] {
    let group = DispatchGroup()
    let lock = NSLock()
    nonisolated(unsafe) var errors: [String] = []
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            do { try body(index) } catch {
                lock.lock()
                errors.append("\(error)")
                lock.unlock()
            }
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return errors
}

@Suite struct ConcurrencyTests {
    /// Four loads of the same image at once, each with its own ImageStore (as four
    /// podctl processes would have): every load succeeds, and the store holds one
    /// record, one copy of each layer and blob, and no leftovers.
    @Test func concurrentLoadsOfOneImage() throws {
        let big = Fixture.layer({ tar in
            for index in 0..<200 { tar.file("data/file\(index)", String(repeating: "\(index)", count: 2000)) }
        }, compression: .gzip)
        let small = Fixture.layer { tar in tar.file("etc/motd", "hi") }
        let test = TestStore()
        let source = TemporaryDirectory()
        try Fixture.dockerArchive([big, small], tags: ["race:1"]).writeTar(source.file("a.tar"))
        let root = test.root
        let archive = source.file("a.tar")
        let errors = onThreads(4) { _ in _ = try ImageStore(directory: root).load(from: archive, name: nil) }
        #expect(errors.isEmpty, "\(errors)")
        let images = try test.store.images()
        #expect(images.count == 1)
        #expect(images.first?.names == ["docker.io/library/race:1"])
        #expect(test.entries("layers").sorted() == [big.diffID.hex, small.diffID.hex].sorted())
        #expect(test.entries("blobs/sha256").count == 4, "config, two layers, manifest")
        #expect(test.entries("tmp").isEmpty)
        let lower = try test.store.lowerDirectories(for: images[0].record)
        #expect(readText(lower[1] + "/data/file7") == String(repeating: "7", count: 2000))
        #expect(try FileManager.default.contentsOfDirectory(atPath: lower[1] + "/data").count == 200)
    }

    /// Loads and prunes at once: a prune waits for running loads (gc lock), so it never
    /// deletes a layer a load is about to record.
    @Test func pruneDuringLoads() throws {
        let layer = Fixture.layer({ tar in for index in 0..<50 { tar.file("f\(index)", String(repeating: "x", count: 10_000)) } }, compression: .zstd)
        let test = TestStore()
        let source = TemporaryDirectory()
        try Fixture.dockerArchive([layer], tags: ["busy:1"]).writeTar(source.file("a.tar"))
        let root = test.root
        let archive = source.file("a.tar")
        let errors = onThreads(6) { index in
            let store = ImageStore(directory: root)
            if index % 2 == 0 { _ = try store.load(from: archive, name: nil) } else { _ = try store.prune(usage: ImageUsage()) }
        }
        #expect(errors.isEmpty, "\(errors)")
        let image = try test.store.resolve("busy:1").image
        #expect(try test.store.lowerDirectories(for: image.record).count == 1)
        for blob in image.record.blobs { #expect(test.store.blobs.contains(blob)) }
    }
}
