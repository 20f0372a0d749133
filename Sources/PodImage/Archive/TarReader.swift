import CArchive
import Glibc
import PodCore
import PodOS

/// Reads a tar (plain, gzip or zstd) with libarchive, one entry at a time.
///
/// With `hashing`, it also computes the digest of the *uncompressed* stream — a layer's
/// diff ID (OCI image spec, config.md: "the digest over the layer's uncompressed tar
/// archive"), trailing zero blocks included. libarchive does not expose the stream
/// between decompression and the tar parser, so two readers are chained: an outer one
/// with the `raw` format decompresses the file, and the inner tar reader pulls from it
/// through a read callback that hashes every block on its way. The file is read once.
final class TarReader {
    private let file: FileDescriptor
    private var outer: OpaquePointer?
    private var inner: OpaquePointer?
    private var hasher: DigestHasher?
    private var failure: PodError?
    let what: String

    init(path: String, hashing: Bool, what: String) throws(PodError) {
        self.what = what
        file = try FileDescriptor.open(path, O_RDONLY)
        if hashing { try openChained() } else { try openDirect() }
    }

    deinit {
        if let inner { archive_read_free(inner) }
        if let outer { archive_read_free(outer) }
    }

    private static let blockSize = 1 << 20

    private func openDirect() throws(PodError) {
        guard let reader = archive_read_new() else { throw PodError(.system, "libarchive cannot allocate a reader for \(what)") }
        inner = reader
        TarReader.enableDecompression(reader)
        archive_read_support_format_tar(reader)
        try check(archive_read_open_fd(reader, file.raw, TarReader.blockSize), reader, "open")
    }

    private func openChained() throws(PodError) {
        guard let raw = archive_read_new(), let tar = archive_read_new() else {
            throw PodError(.system, "libarchive cannot allocate a reader for \(what)")
        }
        outer = raw
        inner = tar
        hasher = DigestHasher()
        TarReader.enableDecompression(raw)
        archive_read_support_format_raw(raw)
        try check(archive_read_open_fd(raw, file.raw, TarReader.blockSize), raw, "open")
        var header: OpaquePointer?
        try check(archive_read_next_header(raw, &header), raw, "read")
        archive_read_support_format_tar(tar)
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(archive_read_open(tar, context, nil, { _, context, buffer in
            guard let context, let buffer else { return -1 }
            return Unmanaged<TarReader>.fromOpaque(context).takeUnretainedValue().pull(buffer)
        }, nil), tar, "open")
    }

    /// Only the OCI encodings: no external programs, no formats a layer cannot have.
    private static func enableDecompression(_ reader: OpaquePointer) {
        archive_read_support_filter_none(reader)
        archive_read_support_filter_gzip(reader)
        archive_read_support_filter_zstd(reader)
    }

    /// The inner reader's read callback: the next decompressed block, hashed.
    private func pull(_ buffer: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        guard let outer else { return -1 }
        var block: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        switch archive_read_data_block(outer, &block, &size, &offset) {
        case ARCHIVE_EOF:
            return 0
        case ARCHIVE_OK, ARCHIVE_WARN:
            buffer.pointee = block
            if let block { hasher?.update(UnsafeRawBufferPointer(start: block, count: size)) }
            return size
        default:
            failure = archiveError(outer, "decompress")
            return -1
        }
    }

    /// The next header, or nil at the end of the archive.
    func next() throws(PodError) -> TarEntry? {
        guard let inner else { return nil }
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(inner, &entry)
            switch status {
            case ARCHIVE_EOF: return nil
            case ARCHIVE_RETRY: continue
            // A warning is a name that does not convert to the locale's charset: the raw
            // bytes are still there, and they are what we want.
            case ARCHIVE_OK, ARCHIVE_WARN:
                guard let entry else { throw PodError(.internal, "libarchive gave no entry for \(what)") }
                return TarEntry(entry)
            default:
                throw failure ?? archiveError(inner, "read a header of")
            }
        }
    }

    /// Hands the current entry's data to `body` block by block, with the offset of each
    /// (sparse files have holes between blocks).
    func readData(_ body: (UnsafeRawBufferPointer, Int64) throws(PodError) -> Void) throws(PodError) {
        guard let inner else { return }
        var block: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        while true {
            let status = archive_read_data_block(inner, &block, &size, &offset)
            if status == ARCHIVE_EOF { return }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN else { throw failure ?? archiveError(inner, "read the data of") }
            if let block, size > 0 { try body(UnsafeRawBufferPointer(start: block, count: size), offset) }
        }
    }

    /// Reads what remains after the tar's end marker and returns the digest of the whole
    /// uncompressed stream; nil when the reader was not hashing.
    func finish() throws(PodError) -> Digest? {
        guard let outer, hasher != nil else { return nil }
        var block: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        while true {
            let status = archive_read_data_block(outer, &block, &size, &offset)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN else { throw archiveError(outer, "decompress") }
            if let block { hasher?.update(UnsafeRawBufferPointer(start: block, count: size)) }
        }
        return hasher?.finish()
    }

    private func check(_ status: Int32, _ reader: OpaquePointer, _ action: String) throws(PodError) {
        if status != ARCHIVE_OK && status != ARCHIVE_WARN { throw failure ?? archiveError(reader, action) }
    }

    private func archiveError(_ reader: OpaquePointer, _ action: String) -> PodError {
        // libarchive's errno is often its own code (EILSEQ for a bad format); its text
        // says more. The path of the file is left out: it may be a staged copy in tmp/.
        let text = archive_error_string(reader).map { String(cString: $0) } ?? "unknown libarchive error"
        let hint = "; it is not a tar archive (plain, gzip or zstd), or it is damaged or cut short"
        return PodError(.invalidArgument, "cannot \(action) \(what)\(hint)", cause: .text("libarchive: \(text)"))
    }
}
