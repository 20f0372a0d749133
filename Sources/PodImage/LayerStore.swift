import CPodShim
import Glibc
import PodCore
import PodOS

/// What the store knows of an unpacked layer, in `layers/<diffID hex>/layer.json`.
public struct LayerMetadata: Codable, Sendable, Equatable {
    public var diffID: Digest
    /// Bytes of regular-file content in the layer (what `image ls` adds up as SIZE).
    public var size: Int64
    public var entries: Int
    public var unpackedAt: String
    /// What the layer counted against the unpack caps (UnpackLimits.swift); absent in
    /// records from before the caps, which are estimated from size and entries.
    public var unpackedBytes: Int64?

    /// The layer's measure under the caps: its uncompressed stream and sparse holes, or
    /// for an older record its content plus a tar header an entry.
    var capMeasure: Int64 { unpackedBytes ?? size + 512 * Int64(entries) }
}

/// Unpacked layers, one per diff ID, shared by every image that has them.
///
/// A layer is unpacked into `tmp/layer-…/diff`, its metadata written beside it, the
/// file system synced, and the directory renamed to `layers/<hex>`: one rename makes
/// tree and metadata appear together, so no reader ever sees half a layer, and a crash
/// leaves only `tmp/` litter that `prune` sweeps. No lock is held while unpacking; when
/// two loads unpack the same layer, the second rename fails (the target exists and is
/// not empty) and that load drops its copy and uses the winner's.
struct LayerStore: Sendable {
    let layout: StoreLayout
    /// The caps on unpacking; nil reads them from the environment when a layer is unpacked.
    var limits: UnpackLimits?

    func contains(_ diffID: Digest) -> Bool { Files.exists(layout.layerMetadata(diffID)) }

    func metadata(_ diffID: Digest) throws(PodError) -> LayerMetadata {
        try JSONCoding.decodeState(LayerMetadata.self, path: layout.layerMetadata(diffID))
    }

    /// Every layer directory (complete ones: a layer is there only after its rename).
    func all() throws(PodError) -> [Digest] {
        try Files.list(layout.layersDirectory).compactMap { try? Digest(hex: $0) }
    }

    /// Makes sure the layer of `blob` is unpacked, and returns it. `expectedDiffID` comes
    /// from the image config (rootfs.diff_ids); a layer whose content hashes otherwise is
    /// refused. Without one (image import) the diff ID is what the content hashes to.
    /// `imageBefore` is what the image's earlier layers count against the image cap; a
    /// layer over a cap is refused while it unpacks, and its work directory removed.
    func ensure(blob: PendingBlob, expectedDiffID: Digest?, imageBefore: Int64 = 0, what: String) throws(PodError) -> LayerMetadata {
        if let expectedDiffID, contains(expectedDiffID) { return try metadata(expectedDiffID) }
        let compression = try Compression.detect(path: blob.path, what: what)
        let budget = UnpackBudget(limits: try UnpackLimits.resolve(limits), imageBefore: imageBefore, what: what)
        let work = try layout.makeTemporaryDirectory("layer")
        do throws(PodError) {
            let unpacked = try unpack(blob: blob, compression: compression, budget: budget, into: work + "/diff", what: what)
            if let expectedDiffID, unpacked.diffID != expectedDiffID {
                throw PodError(.invalidArgument, "\(what): its uncompressed content hashes to \(unpacked.diffID), but the image config gives the diff ID \(expectedDiffID); the image is damaged or was altered, and the layer was not stored")
            }
            return try install(work, unpacked)
        } catch {
            try? removeStoreTree(work)
            throw error
        }
    }

    private func unpack(blob: PendingBlob, compression: Compression, budget: UnpackBudget, into tree: String, what: String) throws(PodError) -> LayerMetadata {
        try syscall("mkdir", path: tree) { mkdir(tree, 0o755) }
        try syscall("chmod", path: tree) { chmod(tree, 0o755) }  // not the umask's: a "./" entry may still change it
        // An uncompressed blob is its own diff ID, verified when it came in: no second hash.
        let known = compression == .none ? blob.digest : nil
        let reader = try TarReader(path: blob.path, hashing: known == nil, budget: budget, what: what)
        let unpacker = try LayerUnpacker(directory: tree, what: what, budget: budget)
        try unpacker.unpack(reader)
        guard let diffID = try reader.finish() ?? known else {
            throw PodError(.internal, "\(what): the diff ID was not computed")
        }
        return LayerMetadata(diffID: diffID, size: unpacker.unpackedBytes, entries: unpacker.entryCount, unpackedAt: Timestamp.now(), unpackedBytes: budget.used)
    }

    /// Writes the metadata, syncs, and renames the work directory into place.
    private func install(_ work: String, _ layer: LayerMetadata) throws(PodError) -> LayerMetadata {
        if contains(layer.diffID) {
            try removeStoreTree(work)
            return try metadata(layer.diffID)
        }
        try AtomicFile.write(try JSONCoding.encode(layer, pretty: true), to: work + "/layer.json", mode: 0o600)
        // One syncfs instead of an fsync per file: the tree must be on disk before the
        // rename makes it visible, or a crash could show a whole layer of empty files.
        let directory = try FileDescriptor.open(work, O_RDONLY | O_DIRECTORY)
        try syscall("syncfs", path: work) { podshim_syncfs(directory.raw) }
        let target = layout.layerDirectory(layer.diffID)
        if rename(work, target) != 0 {
            let code = errno
            guard code == ENOTEMPTY || code == EEXIST else { throw PodError.system("rename", errno: code, path: target) }
            try removeStoreTree(work)  // another load unpacked it first: use theirs
            return try metadata(layer.diffID)
        }
        try syncDirectory(layout.layersDirectory)
        return layer
    }

    /// Removes a layer: first renamed out of `layers/` (so it vanishes at once, whole),
    /// then deleted. Only under the exclusive gc lock.
    func remove(_ diffID: Digest) throws(PodError) {
        let doomed = try layout.makeTemporaryDirectory("deleting")
        let moved = doomed + "/layer"
        let source = layout.layerDirectory(diffID)
        if rename(source, moved) != 0 && errno != ENOENT {
            let code = errno
            try? removeStoreTree(doomed)
            throw PodError.system("rename", errno: code, path: source)
        }
        try removeStoreTree(doomed)
    }
}
