import Foundation
import PodCore
import Testing
@testable import PodImage
@testable import PodTestSupport

/// Issue #14, finding 5: a 1 MB gzip layer unpacked to 1.07 GB with no bound, and a
/// gzip stream cut before its trailer loaded. Small caps stand in for the defaults, so
/// a bomb of a few MiB proves the rule; every refusal must leave the store as it was
/// (no blob, record, temporary file, nor the refused layer) and the host sentinel too.
@Suite struct CompressedLayerTests {
    let sentinel: HostSentinel
    let before: [HostSentinel.Entry]
    let test = TestStore()
    let source = TemporaryDirectory()

    init() throws {
        sentinel = try HostSentinel()
        before = sentinel.snapshot()
    }

    static let small = UnpackLimits(layerBytes: 1 << 20, imageBytes: 1 << 20)

    func store(_ limits: UnpackLimits = small) -> ImageStore { ImageStore(directory: test.root, limits: limits) }

    /// A layer of `count` zero bytes in one file: gzip shrinks it about a thousandfold.
    static func zeros(_ count: Int) -> [UInt8] {
        var tar = TarBuilder()
        tar.data("zeros", [UInt8](repeating: 0, count: count))
        return tar.bytes()
    }

    /// Imports `blob` as a layer and returns the refusal.
    func refusedImport(_ blob: [UInt8], limits: UnpackLimits = small, sourceLocation: SourceLocation = #_sourceLocation) throws -> PodError? {
        try Data(blob).write(to: URL(fileURLWithPath: source.file("layer")))
        let error = #expect(throws: PodError.self, sourceLocation: sourceLocation) {
            try store(limits).importImage(from: source.file("layer"), name: "hostile", changes: [])
        }
        expectNothingKept(sourceLocation: sourceLocation)
        return error
    }

    func expectNothingKept(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(test.isEmpty, "left behind: blobs \(test.entries("blobs/sha256")), layers \(test.entries("layers")), tmp \(test.entries("tmp"))", sourceLocation: sourceLocation)
        let changes = HostSentinel.differences(before, sentinel.snapshot())
        #expect(changes.isEmpty, "the host was touched: \(changes)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [Compression.gzip, .zstd])
    func bombOverTheLayerCapIsRefused(compression: Compression) throws {
        let bomb = TarBuilder.compress(Self.zeros(16 << 20), compression)
        #expect(bomb.count < 1 << 20)
        let error = try refusedImport(bomb)
        #expect(error?.message.contains("more than the layer cap of 1Mi") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("PODCTL_MAX_LAYER_SIZE") == true)
    }

    /// Headers count: a million empty entries are no lighter than a million bytes.
    @Test func manyEmptyEntriesHitTheCap() throws {
        var tar = TarBuilder()
        for number in 0..<4096 { tar.file("e\(number)") }
        let error = try refusedImport(TarBuilder.compress(tar.bytes(), .gzip))
        #expect(error?.message.contains("layer cap") == true, "\(error?.message ?? "")")
    }

    /// Each layer under its cap, the image over its own: refused, no blob or record
    /// kept (a layer unpacked before the cap was passed stays until prune, as any
    /// refused image's do).
    @Test func theImageCapCountsEveryLayer() throws {
        let first = Fixture.layer({ $0.data("a", [UInt8](repeating: 1, count: 600 << 10)) }, compression: .gzip)
        let second = Fixture.layer({ $0.data("b", [UInt8](repeating: 2, count: 600 << 10)) }, compression: .gzip)
        try Fixture.dockerArchive([first, second], tags: ["big:1"]).writeTar(source.file("image.tar"))
        let error = #expect(throws: PodError.self) {
            try store(UnpackLimits(layerBytes: 1 << 20, imageBytes: 1 << 20)).load(from: source.file("image.tar"), name: nil)
        }
        #expect(error?.message.contains("layer 2") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("the image cap of 1Mi") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("PODCTL_MAX_IMAGE_SIZE") == true)
        #expect(test.entries("blobs/sha256").isEmpty && test.entries("records").isEmpty && test.entries("tmp").isEmpty)
        #expect(test.entries("layers").allSatisfy { $0 == first.diffID.hex })
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    /// The archive a load reads is decompressed under the image cap too, before any
    /// layer in it is looked at.
    @Test func aCompressedArchiveIsBoundedWhileStaged() throws {
        let layer = Fixture.layer { $0.data("zeros", [UInt8](repeating: 0, count: 4 << 20)) }
        var archive = TarBuilder()
        for (name, bytes) in Fixture.dockerArchive([layer], tags: ["bomb:1"]).files { archive.data(name, bytes) }
        try archive.write(to: source.file("image.tar.gz"), compression: .gzip)
        let error = #expect(throws: PodError.self) { try store().load(from: source.file("image.tar.gz"), name: nil) }
        #expect(error?.message.contains("the archive") == true && error?.message.contains("image cap") == true, "\(error?.message ?? "")")
        expectNothingKept()
    }

    @Test func gzipCutBeforeItsTrailerIsRefused() throws {
        let whole = TarBuilder.compress(Self.zeros(4096), .gzip)
        let error = try refusedImport(Array(whole.dropLast(8)), limits: .defaults)
        #expect(error?.message.contains("cut short") == true, "\(error?.message ?? "")")
    }

    @Test func gzipWithAWrongCRCIsRefused() throws {
        var blob = TarBuilder.compress(Self.zeros(4096), .gzip)
        blob[blob.count - 8] ^= 0xff  // the first byte of the CRC-32 (RFC 1952, 2.3)
        let error = try refusedImport(blob, limits: .defaults)
        #expect(error?.message.contains("CRC-32") == true, "\(error?.message ?? "")")
    }

    @Test func gzipWithAWrongLengthIsRefused() throws {
        var blob = TarBuilder.compress(Self.zeros(4096), .gzip)
        blob[blob.count - 1] ^= 0x01  // ISIZE, the last four bytes
        let error = try refusedImport(blob, limits: .defaults)
        #expect(error?.message.contains("damaged") == true, "\(error?.message ?? "")")
    }

    /// Go's gzip reader, behind Docker and containerd, refuses bytes after the last
    /// member that do not start another one.
    @Test func bytesAfterTheLastGzipMemberAreRefused() throws {
        let blob = TarBuilder.compress(Self.zeros(4096), .gzip) + Array("trailing".utf8)
        let error = try refusedImport(blob, limits: .defaults)
        #expect(error?.message.contains("damaged") == true, "\(error?.message ?? "")")
    }

    @Test func zstdCutShortIsRefused() throws {
        let whole = TarBuilder.compress(Self.zeros(64 << 10), .zstd)
        let error = try refusedImport(Array(whole.dropLast(6)), limits: .defaults)
        #expect(error?.message.contains("zstd") == true, "\(error?.message ?? "")")
    }

    /// Several gzip members one after another are one stream (RFC 1952, 2.2): eStargz
    /// layers are made so. They load, and their diff ID is the whole tar's.
    @Test func gzipMembersInARowStillLoad() throws {
        var tar = TarBuilder()
        tar.file("a", "first")
        tar.file("b", "second")
        let bytes = tar.bytes()
        let half = bytes.count / 2
        let blob = TarBuilder.compress(Array(bytes[..<half]), .gzip) + TarBuilder.compress(Array(bytes[half...]), .gzip)
        try Data(blob).write(to: URL(fileURLWithPath: source.file("layer")))
        let image = try store(.defaults).importImage(from: source.file("layer"), name: "members", changes: [])
        #expect(image.record.layers.first?.diffID == Digest.of(bytes))
    }

    @Test func capsComeFromTheEnvironment() throws {
        let limits = try UnpackLimits.from(environment: ["PODCTL_MAX_LAYER_SIZE": "2Gi", "PODCTL_MAX_IMAGE_SIZE": "1048576"])
        #expect(limits == UnpackLimits(layerBytes: 2 << 30, imageBytes: 1 << 20))
        #expect(try UnpackLimits.from(environment: [:]) == .defaults)
        for bad in ["abc", "-1", "0", "1.5Gi", "99999999999Ti"] {
            #expect(throws: PodError.self) { try UnpackLimits.from(environment: ["PODCTL_MAX_LAYER_SIZE": bad]) }
        }
    }
}
