import PodCore
import PodOS

/// A blob a manifest points at.
public struct BlobReference: Sendable, Equatable {
    public let mediaType: String
    public let digest: Digest
    public let size: Int64
}

/// A manifest a registry served: an index (a manifest list) or an image manifest.
public enum ManifestDocument: Sendable {
    /// The entry for this host's platform, and what the index offered.
    case index(chosen: BlobReference?, platforms: [String])
    case image(config: BlobReference, layers: [BlobReference])
}

extension ImageStore {
    /// The media types a pull asks a registry for (the `Accept` header), in the order of
    /// preference containerd sends them.
    public static let manifestMediaTypes = [
        MediaType.index, MediaType.manifest, MediaType.dockerManifestList, MediaType.dockerManifest,
    ]

    /// Reads a manifest document. `mediaType` is the registry's Content-Type; the
    /// document's own `mediaType` field wins when it has one (OCI manifests may omit it,
    /// then `manifests` or `config` tells them apart).
    public static func parseManifest(_ bytes: [UInt8], contentType: String?, what: String) throws(PodError) -> ManifestDocument {
        struct Probe: Decodable { var schemaVersion: Int?; var mediaType: String?; var manifests: [Descriptor]?; var config: Descriptor? }
        let probe = try JSONCoding.decode(Probe.self, from: bytes, what: what)
        let type = probe.mediaType ?? contentType?.split(separator: ";").first.map { String($0.filter { $0 != " " }) }
        if probe.schemaVersion == 1 || type?.hasPrefix("application/vnd.docker.distribution.manifest.v1") == true {
            throw PodError(.unsupported, "\(what) is a Docker schema 1 manifest, which registries stopped serving in 2019; push the image again with a current tool")
        }
        if let manifests = probe.manifests, type.map(MediaType.indexes.contains) ?? true {
            let images = manifests.filter { MediaType.manifests.contains($0.mediaType) }
            let chosen = HostPlatform.choose(images)
            let platforms = manifests.compactMap { $0.platform.map { "\($0.os)/\($0.architecture)" + ($0.variant.map { "/" + $0 } ?? "") } }
            return .index(chosen: chosen.map { BlobReference(mediaType: $0.mediaType, digest: $0.digest, size: $0.size) }, platforms: platforms)
        }
        let manifest = try JSONCoding.decode(ImageManifest.self, from: bytes, what: what)
        // Before the config is downloaded: it is read whole, so it must be a document's size.
        try SourceName.checkDocumentSize(manifest.config.size, "the config \(manifest.config.digest) of \(what)")
        for (number, layer) in manifest.layers.enumerated() where !MediaType.layers.contains(layer.mediaType) {
            throw PodError(.unsupported, "layer \(number + 1) (\(layer.digest)) of \(what) has media type \(layer.mediaType); podctl unpacks plain, gzip and zstd tar layers")
        }
        return .image(
            config: BlobReference(mediaType: manifest.config.mediaType, digest: manifest.config.digest, size: manifest.config.size),
            layers: manifest.layers.map { BlobReference(mediaType: $0.mediaType, digest: $0.digest, size: $0.size) })
    }

    /// Records a pulled image whose manifest, config and layer blobs are all in the blob
    /// store (verified as they came): unpacks the layers (or finds them unpacked), checks
    /// their diff IDs against the config, and points `names` at the record.
    public func storePulled(manifest: Digest, index: Digest?, config: Digest, layers: [BlobReference], names: [String], what: String) throws(PodError) -> LoadedImage {
        let configBlob = PendingBlob(stored: config, size: try blobs.size(config), blobs: blobs)
        let document = try JSONCoding.decode(ConfigDocument.self, from: try configBlob.read(), what: "the config \(config) of \(what)")
        let blobs = self.blobs
        let inputs = layers.enumerated().map { number, layer in
            let layerWhat = "layer \(number + 1) (\(layer.digest.shortID)) of \(what)"
            return ImageBuilder.LayerInput(what: layerWhat, mediaType: layer.mediaType) { () throws(PodError) -> PendingBlob in
                PendingBlob(stored: layer.digest, size: try blobs.size(layer.digest), blobs: blobs)
            }
        }
        let manifestBlob = PendingBlob(stored: manifest, size: try blobs.size(manifest), blobs: blobs)
        var record = try builder.build(config: configBlob, document: document, layers: inputs, manifest: .blob(manifestBlob), what: what)
        record.indexDigest = index
        try commit(record, names: names)
        var notes: [String] = []
        if let architecture = record.architecture, architecture != HostPlatform.architecture {
            notes.append("\(what) is built for \(architecture); this host is \(HostPlatform.architecture)")
        }
        return LoadedImage(record: record, names: names, notes: notes)
    }

    /// The diff IDs a pulled config gives its layers, one per layer of the manifest.
    public func diffIDs(config: Digest, layerCount: Int, what: String) throws(PodError) -> [Digest] {
        let document = try JSONCoding.decode(ConfigDocument.self, from: try blobs.read(config), what: "the config \(config) of \(what)")
        return try ImageBuilder.diffIDs(document, count: layerCount, what: what)
    }

    /// Unpacks one stored layer blob (or finds it unpacked), checking its diff ID: a pull
    /// calls it as each layer arrives, while the others still download, so `storePulled`
    /// finds the work done.
    public func unpackPulled(_ layer: BlobReference, diffID: Digest, what: String) throws(PodError) {
        let blob = PendingBlob(stored: layer.digest, size: try blobs.size(layer.digest), blobs: blobs)
        _ = try layers.ensure(blob: blob, expectedDiffID: diffID, what: what)
    }

    /// Holds the store's write lock (shared: prunes wait, other pulls and loads go on)
    /// while `body` runs: a pull's blobs are in the store before any record names them.
    public func whileWriting<T>(_ body: () throws(PodError) -> T) throws(PodError) -> T {
        let writing = try layout.lockForWriting()
        defer { writing.release() }
        return try body()
    }

    /// Whether the manifest of `digest` is stored (a pull by digest that has nothing to do).
    public func hasBlob(_ digest: Digest) -> Bool { blobs.contains(digest) }
}

extension HostPlatform {
    /// The variant this host runs: amd64 has none (v1 is the baseline every amd64 runs),
    /// arm64 is v8.
    static var variant: String? {
        #if arch(arm64)
        return "v8"
        #else
        return nil
        #endif
    }

    /// The manifest of an index for linux and this architecture, as containerd's
    /// platforms.Only matcher picks: an exact variant first, then one without a variant.
    static func choose(_ descriptors: [Descriptor]) -> Descriptor? {
        let ours = descriptors.filter { $0.platform?.os == "linux" && $0.platform?.architecture == architecture }
        return ours.first { $0.platform?.variant == variant } ?? ours.first { $0.platform?.variant == nil } ?? ours.first
    }
}
