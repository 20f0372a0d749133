import Glibc
import PodCore
import PodOS

/// The files of an image archive or layout directory, by their names inside it. The
/// format readers (DockerArchive, OCILayout) see only this, so a directory and a tar
/// (plain, gzip, zstd) of it load the same way.
protocol SourceFiles: AnyObject {
    /// For messages: `docker-archive /tmp/x.tar`.
    var description: String { get }
    func contains(_ name: String) -> Bool
    /// A JSON document of the archive (index, manifest, config), read whole.
    func read(_ name: String, what: String) throws(PodError) -> [UInt8]
    /// A blob, verified against `expected` (and `expectedSize`) when given, ready to be
    /// unpacked and committed.
    func stage(_ name: String, expected: Digest?, expectedSize: Int64?, what: String) throws(PodError) -> PendingBlob
}

enum SourceName {
    /// Names inside an archive, as the format readers write them (`./x`, `blobs/sha256/…`),
    /// made comparable; nil for a name that climbs out (`..`): never looked up.
    static func normalize(_ name: String) -> String? {
        var parts: [Substring] = []
        for part in name.split(separator: "/") where part != "." {
            if part == ".." { return nil }
            parts.append(part)
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    /// A JSON document larger than this is not an index, manifest or config.
    static let documentLimit = 64 << 20

    /// Refuses a document too large to be one before it is read into memory.
    static func checkDocumentSize(_ size: Int64, _ what: String) throws(PodError) {
        guard size <= documentLimit else {
            throw PodError(.invalidArgument, "\(what) is \(size) bytes, too large for a JSON document (an index, manifest or config is at most \(documentLimit >> 20) MiB)")
        }
    }

    static func missing(_ name: String, in source: String, what: String) -> PodError {
        PodError(.invalidArgument, "\(what): \(source) has no file \"\(name)\"; the archive is incomplete or not what it claims to be")
    }
}

/// A layout or docker-archive that is a directory on disk.
final class DirectorySource: SourceFiles {
    let root: String
    let kind: String
    let blobs: BlobStore

    init(root: String, kind: String, blobs: BlobStore) {
        self.root = root
        self.kind = kind
        self.blobs = blobs
    }

    var description: String { "\(kind) \(root)" }

    private func path(_ name: String) -> String? { SourceName.normalize(name).map { root + "/" + $0 } }

    func contains(_ name: String) -> Bool {
        guard let path = path(name) else { return false }
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    func read(_ name: String, what: String) throws(PodError) -> [UInt8] {
        guard let path = path(name), contains(name) else { throw SourceName.missing(name, in: description, what: what) }
        var info = stat()
        try syscall("stat", path: path) { stat(path, &info) }
        try SourceName.checkDocumentSize(Int64(info.st_size), "\(what): \(path)")
        return try Files.read(path)
    }

    func stage(_ name: String, expected: Digest?, expectedSize: Int64?, what: String) throws(PodError) -> PendingBlob {
        if let expected, blobs.contains(expected) {
            return PendingBlob(stored: expected, size: try blobs.size(expected), blobs: blobs)
        }
        guard let path = path(name), contains(name) else { throw SourceName.missing(name, in: description, what: what) }
        var source = try FileByteSource(path: path)
        return try blobs.stage(&source, expected: expected, expectedSize: expectedSize, what: what)
    }
}
