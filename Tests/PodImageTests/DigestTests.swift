import PodCore
import Testing
@testable import PodImage

@Suite struct DigestTests {
    @Test func knownVectors() {
        // FIPS 180-2 test vectors.
        #expect(Digest.of(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.of([]).description == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func streamingEqualsOneShot() {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = DigestHasher()
        for chunk in stride(from: 0, to: bytes.count, by: 7_777) {
            bytes[chunk..<min(chunk + 7_777, bytes.count)].withUnsafeBytes { hasher.update($0) }
        }
        #expect(hasher.finish() == Digest.of(bytes))
        #expect(hasher.count == Int64(bytes.count))
    }

    @Test func parsing() throws {
        let hex = String(repeating: "ab", count: 32)
        let digest = try Digest(parsing: "sha256:" + hex)
        #expect(digest.hex == hex)
        #expect(digest.shortID == "abababababab")
        for bad in ["sha512:" + hex, "sha256:" + hex.uppercased(), "sha256:abc", hex, "sha256:" + hex + "0", "sha256:" + String(repeating: "g", count: 64)] {
            #expect(throws: PodError.self) { try Digest(parsing: bad) }
        }
    }

    @Test func codableAsString() throws {
        let digest = Digest.of(Array("x".utf8))
        let bytes = try JSONCoding.encode([digest])
        #expect(String(decoding: bytes, as: UTF8.self) == "[\"\(digest)\"]")
        #expect(try JSONCoding.decode([Digest].self, from: bytes, what: "test") == [digest])
        #expect(throws: PodError.self) { try JSONCoding.decode([Digest].self, from: Array("[\"md5:00\"]".utf8), what: "test") }
    }
}
