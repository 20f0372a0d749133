import PodCore
import PodOS

/// One image of the store: `records/<config digest hex>.json`. Its ID is the digest of
/// its config blob (as docker and podman define an image ID), so the same image loaded
/// from a docker-archive and from an OCI layout is one record.
public struct ImageRecord: Codable, Sendable, Equatable {
    public var id: Digest
    /// The digest of the image manifest: the registry's for pulled or OCI images, the
    /// one podctl wrote for docker-archives and imports (they carry none).
    public var digest: Digest
    /// The index (manifest list) a pull resolved to this image, when there was one: a
    /// reference pinned to the index's digest finds the image by it.
    public var indexDigest: Digest?
    public var created: String?
    public var architecture: String?
    public var os: String?
    public var config: ImageConfig
    /// Bottom layer first, in the order of the manifest and of rootfs.diff_ids.
    public var layers: [LayerReference]
    /// Unpacked bytes of all layers: the SIZE of `image ls`.
    public var size: Int64
    public var storedAt: String

    /// Every blob this image needs kept.
    var blobs: [Digest] { [id, digest] + (indexDigest.map { [$0] } ?? []) + layers.map(\.digest) }
}

public struct LayerReference: Codable, Sendable, Equatable {
    /// The blob as it came (compressed or not).
    public var digest: Digest
    /// The uncompressed tar's digest: the name of the unpacked layer.
    public var diffID: Digest
    /// The blob's size in bytes.
    public var size: Int64
    public var mediaType: String
}

/// The names index, `names.json`: full name (`localhost/busybox:1`) → image ID.
/// A name points at one image; an image has any number of names, or none (dangling,
/// shown as `<none>`, removed by prune).
struct NameTable: Codable, Sendable, Equatable {
    var names: [String: Digest] = [:]

    func names(of id: Digest) -> [String] {
        names.filter { $0.value == id }.map(\.key).sorted()
    }
}

extension StoreLayout {
    func readNames() throws(PodError) -> NameTable {
        guard Files.exists(namesFile) else { return NameTable() }
        return try JSONCoding.decodeState(NameTable.self, path: namesFile)
    }

    /// Only under the index lock.
    func writeNames(_ table: NameTable) throws(PodError) {
        try AtomicFile.write(try JSONCoding.encode(table, pretty: true), to: namesFile, mode: 0o600)
    }

    func readRecord(_ id: Digest) throws(PodError) -> ImageRecord? {
        let path = recordPath(id)
        guard Files.exists(path) else { return nil }
        return try JSONCoding.decodeState(ImageRecord.self, path: path)
    }

    /// Only under the index lock.
    func writeRecord(_ record: ImageRecord) throws(PodError) {
        try AtomicFile.write(try JSONCoding.encode(record, pretty: true), to: recordPath(record.id), mode: 0o600)
    }

    func records() throws(PodError) -> [ImageRecord] {
        var result: [ImageRecord] = []
        for file in try Files.list(recordsDirectory) where file.hasSuffix(".json") {
            guard let id = try? Digest(hex: String(file.dropLast(5))) else { continue }
            if let record = try readRecord(id) { result.append(record) }
        }
        return result
    }
}
