import PodCore

/// `docker save` / `podman save` archives (docker's image spec v1.2, "combined image
/// JSON + filesystem changeset format"): `manifest.json` lists, per image, the config
/// file, the RepoTags and the layer tars in order; the config's rootfs.diff_ids give
/// the digest each layer tar must have uncompressed.
enum DockerArchive {
    struct Entry: Decodable {
        var Config: String
        var RepoTags: [String]?
        var Layers: [String]
    }

    static func images(in source: SourceFiles) throws(PodError) -> [ArchiveImage] {
        let what = "manifest.json of \(source.description)"
        let entries = try JSONCoding.decode([Entry].self, from: try source.read("manifest.json", what: what), what: what)
        guard !entries.isEmpty else { throw PodError(.invalidArgument, "\(what) lists no image") }
        return entries.enumerated().map { index, entry in
            let label = entries.count == 1 ? "the image of \(source.description)" : "image \(index + 1) of \(source.description)"
            var names: [ImageReference] = []
            var notes: [String] = []
            for tag in entry.RepoTags ?? [] {
                if let name = ImageReference.archiveName(tag) { names.append(name) } else { notes.append("\(label): the name \"\(tag)\" is not valid and was skipped") }
            }
            return ArchiveImage(what: label, names: names, tagHint: nil, notes: notes) { (builder) throws(PodError) -> ImageRecord in
                try build(entry, from: source, what: label, builder: builder)
            }
        }
    }

    private static func build(_ entry: Entry, from source: SourceFiles, what: String, builder: ImageBuilder) throws(PodError) -> ImageRecord {
        let configWhat = "the config \(entry.Config) of \(what)"
        let config = try source.stage(entry.Config, expected: digestInName(entry.Config), expectedSize: nil, what: configWhat)
        let document = try JSONCoding.decode(ConfigDocument.self, from: try config.read(), what: configWhat)
        let layers = entry.Layers.enumerated().map { index, name in
            let layerWhat = "layer \(index + 1) (\(name)) of \(what)"
            return ImageBuilder.LayerInput(what: layerWhat, mediaType: nil) { () throws(PodError) -> PendingBlob in
                try source.stage(name, expected: digestInName(name, configStyle: false), expectedSize: nil, what: layerWhat)
            }
        }
        return try builder.build(config: config, document: document, layers: layers, manifest: .synthesize, what: what)
    }

    /// The digest a file's name promises, where the format fixes it: the config is
    /// `<hex>.json` (docker ≥ 1.10: its name is the image ID) and newer docker writes
    /// `blobs/sha256/<hex>`. Other names (`<id>/layer.tar`) promise nothing; those layers
    /// are still verified by their diff IDs.
    static func digestInName(_ name: String, configStyle: Bool = true) -> Digest? {
        guard let normalized = SourceName.normalize(name) else { return nil }
        if normalized.hasPrefix("blobs/sha256/") { return try? Digest(hex: String(normalized.dropFirst(13))) }
        if configStyle && normalized.hasSuffix(".json") && !normalized.contains("/") {
            return try? Digest(hex: String(normalized.dropLast(5)))
        }
        return nil
    }
}
