import Glibc
import PodCore
import PodOS
import PodStore

/// The image store of one podctl root (`<root>/images`): load, import, look up, and
/// the overlay lower directories of an image. Layout: StoreLayout; locks: StoreLocks;
/// rules and formats: docs/images.md.
public final class ImageStore: Sendable {
    public let layout: StoreLayout
    public let blobs: BlobStore
    let layers: LayerStore

    /// `limits` caps unpacking (UnpackLimits.swift); nil reads `PODCTL_MAX_LAYER_SIZE`
    /// and `PODCTL_MAX_IMAGE_SIZE` when a layer is unpacked.
    public init(directory: String, limits: UnpackLimits? = nil) {
        layout = StoreLayout(root: directory)
        blobs = BlobStore(layout: layout)
        layers = LayerStore(layout: layout, limits: limits)
    }

    public convenience init(store: Store) {
        self.init(directory: store.imagesDirectory)
    }

    var builder: ImageBuilder { ImageBuilder(layout: layout, blobs: blobs, layers: layers) }

    /// An image with the names that point at it.
    public struct StoredImage: Sendable {
        public let record: ImageRecord
        public let names: [String]
    }

    /// What a load or import did for one image.
    public struct LoadedImage: Sendable {
        public let record: ImageRecord
        public let names: [String]
        /// Things worth saying that did not stop the load.
        public let notes: [String]
    }

    /// `image load`: a docker-archive or OCI archive (plain, gzip, zstd), or a directory
    /// holding an OCI layout (or an unpacked docker-archive).
    @discardableResult
    public func load(from path: String, name: String?) throws(PodError) -> [LoadedImage] {
        let writing = try layout.lockForWriting()
        defer { writing.release() }
        let source = try openSource(path)
        let images = try isDocker(source) ? DockerArchive.images(in: source) : OCILayout.images(in: source)
        let names = try LoadNaming.names(for: images, override: name)
        var loaded: [LoadedImage] = []
        for (image, imageNames) in zip(images, names) {
            let record = try image.build(builder)
            try commit(record, names: imageNames)
            var notes = image.notes
            if imageNames.isEmpty {
                notes.append("\(image.what) has no name in the archive\(image.tagHint.map { " (only the tag \"\($0)\")" } ?? ""); it is stored as <none>: load it again with --name NAME, or use its ID \(record.id.shortID)")
            }
            if let architecture = record.architecture, architecture != HostPlatform.architecture {
                notes.append("\(image.what) is built for \(architecture); this host is \(HostPlatform.architecture)")
            }
            loaded.append(LoadedImage(record: record, names: imageNames, notes: notes))
        }
        return loaded
    }

    /// `image import`: `source` (a directory or a tar) becomes a one-layer image named
    /// `name` (`localhost/NAME:latest` when it has no registry and no tag).
    @discardableResult
    public func importImage(from source: String, name: String, changes: [String]) throws(PodError) -> LoadedImage {
        let reference = try ImageReference.naming(name)
        let writing = try layout.lockForWriting()
        defer { writing.release() }
        let record = try Importer.build(source: source, changes: changes, builder: builder)
        try commit(record, names: [reference.description])
        return LoadedImage(record: record, names: [reference.description], notes: [])
    }

    private func openSource(_ path: String) throws(PodError) -> SourceFiles {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw PodError(errno == ENOENT ? .notFound : .system, "cannot load \(path): it does not exist or cannot be read",
                           cause: .system(call: "stat", errno: errno, path: path))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            let kind = Files.exists(path + "/manifest.json") ? "docker-archive directory" : "OCI layout"
            return DirectorySource(root: path, kind: kind, blobs: blobs)
        }
        return try StagedArchive(archive: path, layout: layout, blobs: blobs, limits: layers.limits)
    }

    /// docker-archive when it has `manifest.json` (docker 25 writes both that and an
    /// OCI index; its manifest.json has the names), else an OCI layout.
    private func isDocker(_ source: SourceFiles) throws(PodError) -> Bool {
        if source.contains("manifest.json") { return true }
        if source.contains("index.json") { return false }
        throw PodError(.invalidArgument, "\(source.description) is neither a docker-archive (it has no manifest.json) nor an OCI image layout (it has no index.json)")
    }

    /// Writes the record and points the names at it, under the index lock: two loads of
    /// one image write the same record, one after the other.
    func commit(_ record: ImageRecord, names: [String]) throws(PodError) {
        let lock = try layout.lockIndex()
        defer { lock.release() }
        try layout.writeRecord(record)
        guard !names.isEmpty else { return }
        var table = try layout.readNames()
        for name in names { table.names[name] = record.id }
        try layout.writeNames(table)
    }

    /// Every image, newest first.
    public func images() throws(PodError) -> [StoredImage] {
        let table = try layout.readNames()
        return try layout.records()
            .map { StoredImage(record: $0, names: table.names(of: $0.id)) }
            .sorted { ($0.record.created ?? "", $0.record.id) > ($1.record.created ?? "", $1.record.id) }
    }

    /// The overlayfs lower directories of an image, topmost layer first, as overlayfs
    /// takes them (Documentation/filesystems/overlayfs.rst, "Multiple lower layers").
    public func lowerDirectories(for record: ImageRecord) throws(PodError) -> [String] {
        try record.layers.reversed().map { (layer) throws(PodError) -> String in
            guard layers.contains(layer.diffID) else {
                throw PodError(.corruptState, "layer \(layer.diffID) of image \(record.id.shortID) is missing from \(layout.layersDirectory); remove the image and load it again")
            }
            return layout.layerTree(layer.diffID)
        }
    }
}
