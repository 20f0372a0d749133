import Glibc
import PodCore
import PodOS

/// `image import`: a root file system (a directory, or a tar: plain, gzip, zstd)
/// becomes a one-layer image, as `podman import` makes one. A tar is stored as the
/// layer blob as it is; a directory is tarred first (DirectoryTar).
enum Importer {
    static func build(source: String, changes: [String], builder: ImageBuilder) throws(PodError) -> ImageRecord {
        var container = ContainerConfigDocument()
        try ConfigChanges.apply(changes, to: &container)  // before any work: a bad --change costs nothing
        let what = "the import source \(source)"
        let blob = try stage(source, builder: builder, what: what)
        let layer = try builder.layers.ensure(blob: blob, expectedDiffID: nil, what: "the layer of \(what)")
        let created = Timestamp.now()
        let document = ConfigDocument(
            created: created, author: nil, architecture: HostPlatform.architecture, os: "linux", variant: nil,
            config: container, rootfs: .init(type: "layers", diff_ids: [layer.diffID]),
            history: [.init(created: created, created_by: "podctl image import \(Files.basename(of: source))", comment: nil, empty_layer: nil)])
        let config = try builder.blobs.stage(try JSONCoding.encode(document), what: "the config of \(what)")
        let input = ImageBuilder.LayerInput(what: "the layer of \(what)", mediaType: nil) { () throws(PodError) -> PendingBlob in blob }
        return try builder.build(config: config, document: document, layers: [input], manifest: .synthesize, what: what)
    }

    private static func stage(_ source: String, builder: ImageBuilder, what: String) throws(PodError) -> PendingBlob {
        var info = stat()
        guard stat(source, &info) == 0 else {
            throw PodError(errno == ENOENT ? .notFound : .system, "cannot import \(source): it does not exist or cannot be read",
                           cause: .system(call: "stat", errno: errno, path: source))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { return try DirectoryTar.write(source, layout: builder.layout) }
        _ = try Compression.detect(path: source, what: what)  // xz and bzip2 are named, not misread
        var file = try FileByteSource(path: source)
        return try builder.blobs.stage(&file, expected: nil, expectedSize: nil, what: what)
    }
}
