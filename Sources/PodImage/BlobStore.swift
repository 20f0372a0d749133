import Glibc
import PodCore
import PodOS

/// Blobs by digest: `blobs/sha256/<hex>`. A blob enters only as a `PendingBlob` whose
/// bytes were hashed as they were written (BlobWriter, or an archive staged by
/// StagedArchive) and checked against the digest expected; it is renamed into place on
/// commit, and a wrong digest leaves nothing behind. A blob in the store is therefore
/// always the content its name says, and is never rewritten.
public struct BlobStore: Sendable {
    let layout: StoreLayout

    public init(layout: StoreLayout) { self.layout = layout }

    public func contains(_ digest: Digest) -> Bool { Files.exists(layout.blobPath(digest)) }

    public func path(_ digest: Digest) -> String { layout.blobPath(digest) }

    public func read(_ digest: Digest) throws(PodError) -> [UInt8] {
        guard contains(digest) else {
            throw PodError(.notFound, "blob \(digest) is not in the image store \(layout.root); load the image again")
        }
        try SourceName.checkDocumentSize(try size(digest), "blob \(digest)")
        return try Files.read(layout.blobPath(digest))
    }

    /// The size in bytes of a stored blob.
    public func size(_ digest: Digest) throws(PodError) -> Int64 {
        var info = stat()
        let path = layout.blobPath(digest)
        try syscall("stat", path: path) { stat(path, &info) }
        return Int64(info.st_size)
    }

    /// The ingest API: a stream and the digest it must have (from a manifest, an index or
    /// a registry). `what` names the blob in errors ("layer 2 of busybox:1"). A registry
    /// pull will call it as `load` does its staging: inside the store's write lock
    /// (StoreLocks), so a prune cannot collect the blob before a record names it.
    @discardableResult
    public func ingest(_ source: inout some ByteSource, expected: Digest?, expectedSize: Int64? = nil, what: String) throws(PodError) -> StoredBlob {
        let pending = try stage(&source, expected: expected, expectedSize: expectedSize, what: what)
        return try pending.commit()
    }

    /// The first half of `ingest`: the bytes land in `tmp/`, verified, not yet a blob.
    /// A layer is unpacked from there and committed only when it unpacked whole, so a
    /// refused layer leaves no blob behind either.
    func stage(_ source: inout some ByteSource, expected: Digest?, expectedSize: Int64?, what: String) throws(PodError) -> PendingBlob {
        if let expected, contains(expected) { return PendingBlob(stored: expected, size: try size(expected), blobs: self) }
        let writer = try BlobWriter(layout: layout)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { break }
            try writer.append(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return try writer.finish(expected: expected, expectedSize: expectedSize, what: what)
    }

    /// Stores bytes held in memory (manifests and configs podctl writes itself).
    @discardableResult
    public func store(_ bytes: [UInt8], what: String) throws(PodError) -> StoredBlob {
        let writer = try BlobWriter(layout: layout)
        try withBytes(bytes) { (raw) throws(PodError) in try writer.append(raw) }
        return try writer.finish(expected: nil, expectedSize: nil, what: what).commit()
    }

    /// Bytes held in memory as a pending blob: committed with the image they belong to.
    func stage(_ bytes: [UInt8], what: String) throws(PodError) -> PendingBlob {
        let writer = try BlobWriter(layout: layout)
        try withBytes(bytes) { (raw) throws(PodError) in try writer.append(raw) }
        return try writer.finish(expected: nil, expectedSize: nil, what: what)
    }

    /// Moves a verified file of `tmp/` into place; a blob that is already there wins
    /// (same digest, same bytes) and the file is dropped.
    func adopt(_ temporaryPath: String, digest: Digest) throws(PodError) {
        let target = layout.blobPath(digest)
        if contains(digest) {
            try Files.remove(temporaryPath)
            return
        }
        let file = try FileDescriptor.open(temporaryPath, O_RDONLY)
        try file.sync()
        try syscall("rename", path: target) { rename(temporaryPath, target) }
        try syncDirectory(layout.blobsDirectory)
    }

    /// Deletes a blob (garbage collection only, under the exclusive gc lock).
    func remove(_ digest: Digest) throws(PodError) {
        try Files.remove(layout.blobPath(digest))
    }

    /// Every blob in the store.
    func all() throws(PodError) -> [Digest] {
        try Files.list(layout.blobsDirectory).compactMap { try? Digest(hex: $0) }
    }
}

public struct StoredBlob: Sendable, Equatable {
    public let digest: Digest
    public let size: Int64
}
