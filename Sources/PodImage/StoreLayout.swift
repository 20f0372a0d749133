import Glibc
import PodCore
import PodOS

/// Where everything of the image store lives (docs/images.md, "Layout on disk"):
///
///     <root>/images/blobs/sha256/<hex>        content-addressed blobs: manifests, configs, layer tars
///     <root>/images/layers/<diffID hex>/diff/ one unpacked layer, shared by every image that has it
///     <root>/images/layers/<diffID hex>/layer.json
///     <root>/images/records/<config hex>.json one image: config summary and ordered layers
///     <root>/images/names.json                 name → image ID
///     <root>/images/tmp/                       work in progress; renamed into place when whole
///     <root>/images/index.lock, gc.lock        see StoreLocks
///
/// All four kinds of content are written under `tmp/` and renamed into place, so a
/// reader (or a crash) never sees half a blob or half a layer: rename(2) within one
/// file system is atomic, and `tmp/` is on the same file system by construction.
public struct StoreLayout: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var blobsDirectory: String { root + "/blobs/sha256" }
    public var layersDirectory: String { root + "/layers" }
    public var recordsDirectory: String { root + "/records" }
    public var temporaryDirectory: String { root + "/tmp" }
    public var namesFile: String { root + "/names.json" }
    var indexLockFile: String { root + "/index.lock" }
    var gcLockFile: String { root + "/gc.lock" }

    public func blobPath(_ digest: Digest) -> String { blobsDirectory + "/" + digest.hex }
    public func layerDirectory(_ diffID: Digest) -> String { layersDirectory + "/" + diffID.hex }
    /// The unpacked tree of a layer: what overlayfs gets as one lower directory.
    public func layerTree(_ diffID: Digest) -> String { layerDirectory(diffID) + "/diff" }
    public func layerMetadata(_ diffID: Digest) -> String { layerDirectory(diffID) + "/layer.json" }
    public func recordPath(_ id: Digest) -> String { recordsDirectory + "/" + id.hex + ".json" }

    /// Creates the directories (0700: layers hold setuid files and other pods' secrets
    /// may end up in images built from them; nothing here is for other users).
    func prepare() throws(PodError) {
        for directory in [root, blobsDirectory, layersDirectory, recordsDirectory, temporaryDirectory] {
            try Files.makeDirectories(directory, mode: 0o700)
        }
    }

    /// A fresh, private directory under `tmp/` for one piece of work.
    func makeTemporaryDirectory(_ purpose: String) throws(PodError) -> String {
        try prepare()
        for _ in 0..<16 {
            let path = "\(temporaryDirectory)/\(purpose)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            if mkdir(path, 0o700) == 0 { return path }
            if errno != EEXIST { throw PodError.system("mkdir", errno: errno, path: path) }
        }
        throw PodError(.internal, "cannot find a free temporary name in \(temporaryDirectory)")
    }
}

/// fsync of a directory: makes a rename into it durable (rename(2) alone is atomic but
/// not durable; see the note in AtomicFile).
func syncDirectory(_ path: String) throws(PodError) {
    let directory = try FileDescriptor.open(path, O_RDONLY | O_DIRECTORY)
    try directory.sync()
}
