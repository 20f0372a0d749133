import PodCore

/// OCI image layouts (image-layout.md): `oci-layout`, `index.json` and
/// `blobs/sha256/<hex>`; as a directory or as a tar of one (an "OCI archive"). Every
/// blob is checked against the digest and size of the descriptor that points at it.
enum OCILayout {
    static func images(in source: SourceFiles) throws(PodError) -> [ArchiveImage] {
        try checkVersion(source)
        let what = "index.json of \(source.description)"
        let index = try JSONCoding.decode(ImageIndexDocument.self, from: try source.read("index.json", what: what), what: what)
        var found: [(Descriptor, String?)] = []
        var notes: [String] = []
        try collect(index, from: source, name: nil, what: what, into: &found, notes: &notes)
        guard !found.isEmpty else {
            throw PodError(.invalidArgument, "\(what) holds no image for linux/\(HostPlatform.architecture)" + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"))
        }
        return found.enumerated().map { number, item in
            let (descriptor, refName) = item
            let label = found.count == 1 ? "the image of \(source.description)" : "image \(number + 1) (\(descriptor.digest.shortID)) of \(source.description)"
            let (names, tagHint, nameNotes) = naming(refName, what: label)
            return ArchiveImage(what: label, names: names, tagHint: tagHint, notes: (number == 0 ? notes : []) + nameNotes) { (builder) throws(PodError) -> ImageRecord in
                try build(descriptor, from: source, what: label, builder: builder)
            }
        }
    }

    private static func checkVersion(_ source: SourceFiles) throws(PodError) {
        struct LayoutFile: Decodable { var imageLayoutVersion: String }
        let what = "oci-layout of \(source.description)"
        guard source.contains("oci-layout") else {
            throw PodError(.invalidArgument, "\(source.description) is not an OCI image layout: it has index.json but no oci-layout file")
        }
        let file = try JSONCoding.decode(LayoutFile.self, from: try source.read("oci-layout", what: what), what: what)
        guard file.imageLayoutVersion.hasPrefix("1.") else {
            throw PodError(.unsupported, "\(what): layout version \(file.imageLayoutVersion) is not supported (podctl reads 1.x)")
        }
    }

    /// Image manifests of an index, following nested indexes (multi-platform images) to
    /// the manifest for this host's platform. A name on an outer descriptor carries down.
    private static func collect(_ index: ImageIndexDocument, from source: SourceFiles, name: String?, what: String,
                                into found: inout [(Descriptor, String?)], notes: inout [String]) throws(PodError) {
        for descriptor in index.manifests {
            let refName = descriptor.annotations?[Annotation.containerdName] ?? descriptor.annotations?[Annotation.refName] ?? name
            if !HostPlatform.matches(descriptor.platform) {
                notes.append("skipped \(descriptor.digest.shortID) for \(descriptor.platform.map { "\($0.os)/\($0.architecture)" } ?? "?")")
                continue
            }
            if MediaType.manifests.contains(descriptor.mediaType) {
                found.append((descriptor, refName))
            } else if MediaType.indexes.contains(descriptor.mediaType) {
                let nestedWhat = "index \(descriptor.digest) of \(source.description)"
                let blob = try source.stage(blobName(descriptor.digest), expected: descriptor.digest, expectedSize: descriptor.size, what: nestedWhat)
                let nested = try JSONCoding.decode(ImageIndexDocument.self, from: try blob.read(), what: nestedWhat)
                var nestedFound: [(Descriptor, String?)] = []
                try collect(nested, from: source, name: refName, what: nestedWhat, into: &nestedFound, notes: &notes)
                found.append(contentsOf: nestedFound.prefix(1))  // one image per platform
            } else {
                notes.append("skipped \(descriptor.digest.shortID) of media type \(descriptor.mediaType)")
            }
        }
    }

    /// `ref.name` is either a full reference (`localhost/busybox:1`, as skopeo and
    /// podman write it) or just a tag (`1`, as umoci writes it, per annotations.md).
    private static func naming(_ refName: String?, what: String) -> ([ImageReference], String?, [String]) {
        guard let refName, !refName.isEmpty else { return ([], nil, []) }
        if !refName.contains("/") && !refName.contains(":") && ImageReference.isTag(refName) { return ([], refName, []) }
        if let name = ImageReference.archiveName(refName) { return ([name], nil, []) }
        return ([], nil, ["\(what): the name \"\(refName)\" is not valid and was skipped"])
    }

    static func blobName(_ digest: Digest) -> String { "blobs/sha256/" + digest.hex }

    private static func build(_ descriptor: Descriptor, from source: SourceFiles, what: String, builder: ImageBuilder) throws(PodError) -> ImageRecord {
        let manifestWhat = "the manifest \(descriptor.digest) of \(what)"
        let manifestBlob = try source.stage(blobName(descriptor.digest), expected: descriptor.digest, expectedSize: descriptor.size, what: manifestWhat)
        let manifest = try JSONCoding.decode(ImageManifest.self, from: try manifestBlob.read(), what: manifestWhat)
        let configWhat = "the config \(manifest.config.digest) of \(what)"
        let config = try source.stage(blobName(manifest.config.digest), expected: manifest.config.digest, expectedSize: manifest.config.size, what: configWhat)
        let document = try JSONCoding.decode(ConfigDocument.self, from: try config.read(), what: configWhat)
        var layers: [ImageBuilder.LayerInput] = []
        for (index, layer) in manifest.layers.enumerated() {
            let layerWhat = "layer \(index + 1) (\(layer.digest)) of \(what)"
            guard MediaType.layers.contains(layer.mediaType) else {
                throw PodError(.unsupported, "\(layerWhat) has media type \(layer.mediaType); podctl unpacks plain, gzip and zstd tar layers")
            }
            layers.append(ImageBuilder.LayerInput(what: layerWhat, mediaType: layer.mediaType) { () throws(PodError) -> PendingBlob in
                try source.stage(blobName(layer.digest), expected: layer.digest, expectedSize: layer.size, what: layerWhat)
            })
        }
        return try builder.build(config: config, document: document, layers: layers, manifest: .blob(manifestBlob), what: what)
    }
}
