import Glibc
import PodCore
import PodOS

/// One blob coming from a registry into the store, hashed as its bytes arrive.
///
/// `begin` takes a lock of its own for the digest (`tmp/download-<hex>.lock`, flock), so
/// two pulls that need the same layer (two pods applied at once, two `image pull`s) fetch
/// it once: the second waits, then finds the blob stored and gets nil. The bytes go to
/// `tmp/download-<hex>`, a name fixed by the digest, so a pull that was killed leaves a
/// partial file the next one resumes (its bytes are hashed again first: a hasher's state
/// does not survive the process). `finish` checks digest and size and renames the file
/// into `blobs/`: a blob is never visible before it is verified, and a wrong digest
/// leaves nothing. The caller holds the store's write lock (StoreLocks) throughout, so a
/// prune neither runs under it nor collects the blob before a record names it.
public final class BlobDownload {
    public let digest: Digest
    public let expectedSize: Int64?
    let what: String
    let partialPath: String
    private let blobs: BlobStore
    private var lockFile: FileDescriptor?
    private var file: FileDescriptor?
    private var hasher = DigestHasher()

    /// Bytes held so far: where a resumed transfer starts (an HTTP `Range`).
    public var received: Int64 { hasher.count }

    /// Nil when the store has the blob already (perhaps because another pull just
    /// fetched it while this one waited for the lock).
    public static func begin(_ store: ImageStore, digest: Digest, size: Int64?, what: String) throws(PodError) -> BlobDownload? {
        if store.blobs.contains(digest) { return nil }
        let download = try BlobDownload(store: store, digest: digest, size: size, what: what)
        if store.blobs.contains(digest) {
            download.close()
            return nil
        }
        try download.openPartial()
        return download
    }

    private init(store: ImageStore, digest: Digest, size: Int64?, what: String) throws(PodError) {
        self.digest = digest
        expectedSize = size
        self.what = what
        blobs = store.blobs
        try store.layout.prepare()
        let base = "\(store.layout.temporaryDirectory)/download-\(digest.hex)"
        partialPath = base
        let lock = try FileDescriptor.open(base + ".lock", O_RDWR | O_CREAT, mode: 0o600)
        // Blocking: the holder is fetching this very blob; the kernel drops its lock if it dies.
        try syscall("flock", path: base + ".lock") { flock(lock.raw, LOCK_EX) }
        lockFile = lock
    }

    deinit { close() }

    /// Opens the partial file of an earlier, broken pull and hashes what it holds.
    private func openPartial() throws(PodError) {
        let partial = try FileDescriptor.open(partialPath, O_RDWR | O_CREAT, mode: 0o600)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try syscallSize("read", path: partialPath) { Glibc.read(partial.raw, buffer.baseAddress, buffer.count) }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        if let expectedSize, hasher.count > expectedSize { try partialRestart(partial) }
        file = partial
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws(PodError) {
        guard let file, let base = bytes.baseAddress else { return }
        if let expectedSize, hasher.count + Int64(bytes.count) > expectedSize {
            throw PodError(.invalidArgument, "\(what): the registry sent more than the \(expectedSize) bytes its descriptor gives; nothing was stored")
        }
        hasher.update(bytes)
        var offset = 0
        while offset < bytes.count {
            offset += try syscallSize("write", path: partialPath) { Glibc.write(file.raw, base + offset, bytes.count - offset) }
        }
    }

    /// Starts again from byte 0 (a server that ignored `Range`, or a damaged partial file).
    public func restart() throws(PodError) {
        guard let file else { return }
        try partialRestart(file)
    }

    private func partialRestart(_ partial: FileDescriptor) throws(PodError) {
        try syscall("ftruncate", path: partialPath) { ftruncate(partial.raw, 0) }
        _ = lseek(partial.raw, 0, SEEK_SET)
        hasher = DigestHasher()
    }

    /// Verifies and publishes the blob. A wrong digest or size removes the partial file,
    /// so the next try starts from nothing.
    @discardableResult
    public func finish() throws(PodError) -> StoredBlob {
        let actual = hasher.finish()
        let size = hasher.count
        do throws(PodError) {
            guard let file else { throw PodError(.internal, "\(what): the download was already closed") }
            if actual != digest {
                throw PodError(.invalidArgument, "\(what): the registry sent bytes that hash to \(actual), not to \(digest); the blob on the registry is damaged or was altered, and nothing of it was stored")
            }
            if let expectedSize, size != expectedSize {
                throw PodError(.invalidArgument, "\(what): the registry sent \(size) bytes, but the manifest gives \(expectedSize); nothing of it was stored")
            }
            try file.sync()
            self.file = nil
            try blobs.adopt(partialPath, digest: digest)
        } catch {
            discard()
            throw error
        }
        close()
        return StoredBlob(digest: digest, size: size)
    }

    /// Drops the bytes received (a digest mismatch: they can never become this blob).
    public func discard() {
        file = nil
        try? Files.remove(partialPath)
        close()
    }

    /// Releases the lock and keeps the partial file for a later pull to resume.
    public func close() {
        file = nil
        if let lockFile { _ = flock(lockFile.raw, LOCK_UN) }
        lockFile = nil
    }
}
