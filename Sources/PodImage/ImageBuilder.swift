import PodCore
import PodOS

/// Turns a config and a list of layer blobs into an image record: unpacks each layer
/// (or finds it unpacked), checks its diff ID against the config, and commits the blobs
/// only when every layer is in place. A refused layer therefore leaves no blob of the
/// image behind; layers already unpacked stay (other images may share them) until prune.
struct ImageBuilder {
    let layout: StoreLayout
    let blobs: BlobStore
    let layers: LayerStore

    /// One layer to bring in: `stage` produces its blob (verified) when it is needed.
    struct LayerInput {
        let what: String
        let mediaType: String?
        let stage: () throws(PodError) -> PendingBlob
    }

    enum ManifestInput {
        /// The image's own manifest blob (OCI layouts).
        case blob(PendingBlob)
        /// None came with the image (docker-archive, import): podctl writes an OCI one.
        case synthesize
    }

    func build(config: PendingBlob, document: ConfigDocument, layers inputs: [LayerInput], manifest: ManifestInput, what: String) throws(PodError) -> ImageRecord {
        let diffIDs = try ImageBuilder.diffIDs(document, count: inputs.count, what: what)
        var pending: [PendingBlob] = [config]
        var references: [LayerReference] = []
        var size: Int64 = 0
        var measured: Int64 = 0  // against the image cap (UnpackLimits.swift)
        for (index, input) in inputs.enumerated() {
            let blob = try input.stage()
            pending.append(blob)
            let layer = try layers.ensure(blob: blob, expectedDiffID: diffIDs[index], imageBefore: measured, what: input.what)
            measured += layer.capMeasure
            try checkImageCap(measured, what: input.what)
            var mediaType = input.mediaType
            if mediaType == nil { mediaType = try Compression.detect(path: blob.path, what: input.what).layerMediaType }
            references.append(LayerReference(digest: blob.digest, diffID: layer.diffID, size: blob.size, mediaType: mediaType ?? MediaType.layer))
            size += layer.size
        }
        for blob in pending { try blob.commit() }
        let manifestDigest: Digest
        switch manifest {
        case let .blob(blob): manifestDigest = try blob.commit().digest
        case .synthesize: manifestDigest = try synthesizeManifest(config: config.stored, layers: references, what: what)
        }
        return ImageRecord(
            id: config.digest, digest: manifestDigest, created: document.created, architecture: document.architecture,
            os: document.os, config: document.config?.summary ?? ImageConfig(), layers: references, size: size,
            storedAt: Timestamp.now())
    }

    /// A layer found unpacked (shared, or unpacked while a pull downloaded) was not
    /// charged against this image's cap as it unpacked: the sum is checked here.
    private func checkImageCap(_ measured: Int64, what: String) throws(PodError) {
        let limits = try UnpackLimits.resolve(layers.limits)
        if measured > limits.imageBytes {
            throw UnpackBudget.over(what, "the image cap of \(UnpackLimits.shown(limits.imageBytes)) (all its layers together)", UnpackLimits.imageVariable)
        }
    }

    /// The config's diff IDs, which must pair one to one with the layers.
    static func diffIDs(_ document: ConfigDocument, count: Int, what: String) throws(PodError) -> [Digest] {
        guard let rootfs = document.rootfs, rootfs.type == "layers" else {
            throw PodError(.invalidArgument, "\(what): the image config has no rootfs of type \"layers\"")
        }
        guard rootfs.diff_ids.count == count else {
            throw PodError(.invalidArgument, "\(what): the image config lists \(rootfs.diff_ids.count) layer diff IDs but the manifest has \(count) layers")
        }
        return rootfs.diff_ids
    }

    /// An OCI manifest for an image that came without one, stored as a blob: its digest
    /// is the image's digest, stable for the same config and layers (sorted-key JSON).
    private func synthesizeManifest(config: StoredBlob, layers: [LayerReference], what: String) throws(PodError) -> Digest {
        let manifest = ImageManifest(
            schemaVersion: 2, mediaType: MediaType.manifest,
            config: Descriptor(mediaType: MediaType.config, digest: config.digest, size: config.size),
            layers: layers.map { Descriptor(mediaType: $0.mediaType, digest: $0.digest, size: $0.size) })
        return try blobs.store(try JSONCoding.encode(manifest), what: "the manifest of \(what)").digest
    }
}
