import Glibc
import PodCore
import PodOS

/// An archive (docker-archive or OCI archive; plain, gzip or zstd) read once, front to
/// back, into a private directory under the store's `tmp/`. Each file lands as a
/// numbered file, hashed on the way, so no archive name is ever used as a path (the
/// outer archive is as untrusted as its layers) and a file's digest is known without a
/// second read. The archive's index may come after its blobs, so blobs are only
/// verified when a manifest asks for them (`stage`).
final class StagedArchive: SourceFiles {
    let archive: String
    let directory: String
    let blobs: BlobStore
    private var files: [String: StagedFile] = [:]
    /// Symlinks and hard links of the archive: docker save links repeated layers.
    private var aliases: [String: String] = [:]

    struct StagedFile {
        let path: String
        let digest: Digest
        let size: Int64
    }

    private let limits: UnpackLimits?

    init(archive: String, layout: StoreLayout, blobs: BlobStore, limits: UnpackLimits?) throws(PodError) {
        self.archive = archive
        self.blobs = blobs
        self.limits = limits
        directory = try layout.makeTemporaryDirectory("load")
        do throws(PodError) {
            try stageAll()
        } catch {
            try? removeStoreTree(directory)
            throw error
        }
    }

    deinit { try? removeStoreTree(directory) }

    var description: String { "the archive \(archive)" }

    /// The archive's uncompressed stream counts against the image cap: it holds the
    /// image's layers, and a gzip bomb must not fill `tmp/` before any layer is seen.
    private func stageAll() throws(PodError) {
        let what = "the archive \(archive)"
        let limits = try UnpackLimits.resolve(limits)
        let budget = UnpackBudget(limits: UnpackLimits(layerBytes: .max, imageBytes: limits.imageBytes), what: what)
        let reader = try TarReader(path: archive, hashing: false, budget: budget, what: what)
        var number = 0
        while let entry = try reader.next() {
            guard let name = SourceName.normalize(entry.displayPath) else { continue }
            switch entry.kind {
            case .regular:
                number += 1
                files[name] = try stageFile(reader, number: number, name: name)
                aliases[name] = nil
            case let .symlink(target):
                let base = name.split(separator: "/").dropLast().joined(separator: "/")
                let joined = base.isEmpty ? String(decoding: target, as: UTF8.self) : base + "/" + String(decoding: target, as: UTF8.self)
                if let resolved = StagedArchive.resolveLexically(joined) { aliases[name] = resolved }
            case let .hardlink(target):
                if let resolved = SourceName.normalize(String(decoding: target, as: UTF8.self)) { aliases[name] = resolved }
            default:
                continue
            }
        }
        _ = try reader.finish()  // the compressed stream's trailer and checksum
    }

    private func stageFile(_ reader: TarReader, number: Int, name: String) throws(PodError) -> StagedFile {
        let path = "\(directory)/\(number)"
        let file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
        var hasher = DigestHasher()
        try reader.readData { (block, offset) throws(PodError) in
            hasher.update(block)
            var done = 0
            while done < block.count {
                done += try syscallSize("pwrite", path: path) {
                    pwrite(file.raw, block.baseAddress! + done, block.count - done, off_t(offset) + off_t(done))
                }
            }
        }
        return StagedFile(path: path, digest: hasher.finish(), size: hasher.count)
    }

    /// `a/b/../c` → `a/c`; nil when the path climbs above the archive's root.
    static func resolveLexically(_ path: String) -> String? {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                if parts.popLast() == nil { return nil }
            } else {
                parts.append(part)
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    private func lookup(_ name: String) -> StagedFile? {
        guard var current = SourceName.normalize(name) else { return nil }
        for _ in 0..<16 {
            if let file = files[current] { return file }
            guard let next = aliases[current] else { return nil }
            current = next
        }
        return nil
    }

    func contains(_ name: String) -> Bool { lookup(name) != nil }

    func read(_ name: String, what: String) throws(PodError) -> [UInt8] {
        guard let file = lookup(name) else { throw SourceName.missing(name, in: description, what: what) }
        try SourceName.checkDocumentSize(file.size, "\(what): \"\(name)\" in \(description)")
        return try Files.read(file.path)
    }

    /// The staged file, verified, as a pending blob of its own (a hard link, so that
    /// committing or discarding it leaves the staged copy for other images that share it).
    func stage(_ name: String, expected: Digest?, expectedSize: Int64?, what: String) throws(PodError) -> PendingBlob {
        if let expected, blobs.contains(expected) {
            return PendingBlob(stored: expected, size: try blobs.size(expected), blobs: blobs)
        }
        guard let file = lookup(name) else { throw SourceName.missing(name, in: description, what: what) }
        try BlobWriter.verify(actual: file.digest, size: file.size, expected: expected, expectedSize: expectedSize, what: what)
        let link = "\(directory)/blob-\(UInt64.random(in: 0...UInt64.max))"
        try syscall("link", path: link) { Glibc.link(file.path, link) }
        return PendingBlob(temporary: link, digest: file.digest, size: file.size, blobs: blobs)
    }
}
