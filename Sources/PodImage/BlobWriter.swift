import Glibc
import PodCore
import PodOS

/// One blob on its way in: a temporary file under `tmp/`, hashed while written.
/// `finish` checks digest and size and hands over a `PendingBlob`; `discard` (or
/// dropping an unfinished writer) removes the file.
final class BlobWriter {
    let layout: StoreLayout
    let temporaryPath: String
    private var file: FileDescriptor?
    private var hasher = DigestHasher()

    init(layout: StoreLayout) throws(PodError) {
        self.layout = layout
        try layout.prepare()
        temporaryPath = "\(layout.temporaryDirectory)/blob-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        file = try FileDescriptor.open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
    }

    deinit { if file != nil { discard() } }

    func append(_ bytes: UnsafeRawBufferPointer) throws(PodError) {
        guard let file, let base = bytes.baseAddress else { return }
        hasher.update(bytes)
        var offset = 0
        while offset < bytes.count {
            offset += try syscallSize("write", path: temporaryPath) { Glibc.write(file.raw, base + offset, bytes.count - offset) }
        }
    }

    /// Verifies what was written. With `expected` nil the blob is named by what it
    /// hashed to (content podctl made itself, or a file whose name is not a digest).
    func finish(expected: Digest?, expectedSize: Int64?, what: String) throws(PodError) -> PendingBlob {
        let actual = hasher.finish()
        let size = hasher.count
        file = nil
        do throws(PodError) {
            try BlobWriter.verify(actual: actual, size: size, expected: expected, expectedSize: expectedSize, what: what)
        } catch {
            discard()
            throw error
        }
        return PendingBlob(temporary: temporaryPath, digest: actual, size: size, blobs: BlobStore(layout: layout))
    }

    static func verify(actual: Digest, size: Int64, expected: Digest?, expectedSize: Int64?, what: String) throws(PodError) {
        if let expected, actual != expected {
            throw PodError(.invalidArgument, "\(what): blob \(expected) has the wrong content: its bytes hash to \(actual); the archive is damaged or was altered, and nothing of it was stored")
        }
        if let expectedSize, expectedSize != size {
            throw PodError(.invalidArgument, "\(what): blob \(actual) is \(size) bytes but its descriptor says \(expectedSize); nothing of it was stored")
        }
    }

    func discard() {
        file = nil
        try? Files.remove(temporaryPath)
    }
}

/// A blob whose digest is verified but that is not (yet) in the store: a file in
/// `tmp/` until `commit`, or a blob the store already had.
final class PendingBlob {
    let digest: Digest
    let size: Int64
    /// Where the bytes can be read now.
    let path: String
    private let blobs: BlobStore
    private var temporary: Bool

    init(temporary path: String, digest: Digest, size: Int64, blobs: BlobStore) {
        self.path = path
        self.digest = digest
        self.size = size
        self.blobs = blobs
        temporary = true
    }

    init(stored digest: Digest, size: Int64, blobs: BlobStore) {
        self.path = blobs.path(digest)
        self.digest = digest
        self.size = size
        self.blobs = blobs
        temporary = false
    }

    deinit { discard() }

    var stored: StoredBlob { StoredBlob(digest: digest, size: size) }

    /// The blob as a JSON document (index, manifest or config), read only when its
    /// verified size is one a document can have.
    func read() throws(PodError) -> [UInt8] {
        try SourceName.checkDocumentSize(size, "blob \(digest)")
        return try Files.read(path)
    }

    @discardableResult
    func commit() throws(PodError) -> StoredBlob {
        if temporary {
            try blobs.adopt(path, digest: digest)
            temporary = false
        }
        return stored
    }

    func discard() {
        if temporary { try? Files.remove(path) }
        temporary = false
    }
}
