/// Media types of the OCI image spec (media-types.md) and their Docker schema 2
/// equivalents, which registries and `docker save` still produce.
enum MediaType {
    static let index = "application/vnd.oci.image.index.v1+json"
    static let manifest = "application/vnd.oci.image.manifest.v1+json"
    static let config = "application/vnd.oci.image.config.v1+json"
    static let layer = "application/vnd.oci.image.layer.v1.tar"
    static let layerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    static let layerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar"
    static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    static let dockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

    static let manifests: Set<String> = [manifest, dockerManifest]
    static let indexes: Set<String> = [index, dockerManifestList]

    /// Layers podctl can unpack. The non-distributable OCI types are the same tars.
    static let layers: Set<String> = [
        layer, layerGzip, layerZstd, dockerLayer, dockerLayerGzip,
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    ]
}

/// The annotation that names an image in an OCI layout's index (annotations.md).
enum Annotation {
    static let refName = "org.opencontainers.image.ref.name"
    /// containerd and nerdctl put the full name here and only the tag in refName.
    static let containerdName = "io.containerd.image.name"
}

/// A content descriptor (descriptor.md).
struct Descriptor: Codable, Sendable, Equatable {
    var mediaType: String
    var digest: Digest
    var size: Int64
    var annotations: [String: String]?
    var platform: Platform?
    var urls: [String]?

    init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
    }
}

struct Platform: Codable, Sendable, Equatable {
    var architecture: String
    var os: String
    var variant: String?
}

/// An image manifest (manifest.md); also decodes Docker schema 2 manifests.
struct ImageManifest: Codable, Sendable {
    var schemaVersion: Int
    var mediaType: String?
    var config: Descriptor
    var layers: [Descriptor]
    var annotations: [String: String]?
}

/// An image index (image-index.md), as in an OCI layout's index.json.
struct ImageIndexDocument: Codable, Sendable {
    var schemaVersion: Int
    var mediaType: String?
    var manifests: [Descriptor]
    var annotations: [String: String]?
}
