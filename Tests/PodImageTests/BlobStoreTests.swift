import Foundation
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

@Suite struct BlobStoreTests {
    /// A stream that hands out its bytes in small, uneven pieces, as a network body would.
    struct Trickle: ByteSource {
        var bytes: [UInt8]
        var offset = 0

        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(PodError) -> Int {
            let count = min(buffer.count, 1000 + offset % 7, bytes.count - offset)
            let start = offset
            bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + count])) }
            offset += count
            return count
        }
    }

    @Test func ingestVerifiesTheStream() throws {
        let test = TestStore()
        let bytes = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var source = Trickle(bytes: bytes)
        let blob = try test.store.blobs.ingest(&source, expected: Digest.of(bytes), expectedSize: Int64(bytes.count), what: "a test blob")
        #expect(blob == StoredBlob(digest: Digest.of(bytes), size: 50_000))
        #expect(try test.store.blobs.read(blob.digest) == bytes)
        #expect(test.entries("tmp").isEmpty)
    }

    @Test func aWrongDigestStoresNothing() throws {
        let test = TestStore()
        let expected = Digest.of(Array("the right bytes".utf8))
        var source = Trickle(bytes: Array("other bytes".utf8))
        let error = #expect(throws: PodError.self) { try test.store.blobs.ingest(&source, expected: expected, what: "layer 1 of x") }
        #expect(error?.message.contains("layer 1 of x: blob \(expected) has the wrong content") == true)
        #expect(test.entries("blobs/sha256").isEmpty && test.entries("tmp").isEmpty)
    }

    @Test func aWrongSizeStoresNothing() throws {
        let test = TestStore()
        let bytes = Array("twelve bytes".utf8)
        var source = Trickle(bytes: bytes)
        #expect(throws: PodError.self) { try test.store.blobs.ingest(&source, expected: Digest.of(bytes), expectedSize: 13, what: "b") }
        #expect(test.entries("blobs/sha256").isEmpty && test.entries("tmp").isEmpty)
    }
}
