import CArchive
import Glibc
import PodCore
import PodOS

/// Reads a tar (plain, gzip or zstd) with libarchive, one entry at a time.
///
/// A compressed tar is decompressed outside the tar parser, so the whole stream passes
/// one place: there it is hashed (with `hashing`: the *uncompressed* stream's digest is
/// a layer's diff ID, OCI image spec, config.md, trailing zero blocks included) and
/// charged to `budget`, and `finish` reads it to its very end, so a damaged or missing
/// trailer after the tar's end marker is still seen. gzip is inflated by GzipStream
/// (libarchive's filter skips the trailer check); zstd by libarchive's `raw` format,
/// which refuses a cut frame and a wrong content checksum. The tar reader pulls from
/// that source through a read callback; the file is read once.
final class TarReader {
    private let file: FileDescriptor
    private var source: Source = .file
    private var inner: OpaquePointer?
    private var hasher: DigestHasher?
    private let budget: UnpackBudget?
    private var failure: PodError?
    let what: String

    /// Where the tar parser's bytes come from.
    private enum Source {
        /// libarchive reads the plain tar itself.
        case file
        case gzip(GzipStream)
        /// A libarchive reader of the `raw` format that decompresses (zstd, or a plain
        /// tar that is hashed).
        case archive(OpaquePointer)
    }

    init(path: String, hashing: Bool, budget: UnpackBudget? = nil, what: String) throws(PodError) {
        self.what = what
        self.budget = budget
        file = try FileDescriptor.open(path, O_RDONLY)
        if hashing { hasher = DigestHasher() }
        switch try Compression.detect(path: path, what: what) {
        case .gzip:
            source = .gzip(try GzipStream(file: file.raw, what: what))
            try openFromSource()
        case .zstd:
            try openDecompressor()
            try openFromSource()
        case .none where hashing:
            try openDecompressor()
            try openFromSource()
        case .none:
            try openDirect(path: path)
        }
    }

    deinit {
        if let inner { archive_read_free(inner) }
        if case let .archive(outer) = source { archive_read_free(outer) }
    }

    private static let blockSize = 1 << 20

    /// A plain tar read as it is: its size on disk is its stream, charged at once.
    private func openDirect(path: String) throws(PodError) {
        var info = stat()
        try syscall("fstat", path: path) { fstat(file.raw, &info) }
        try budget?.charge(Int64(info.st_size))
        try SharedLibrary.require(podarchive_load())
        guard let reader = archive_read_new() else { throw PodError(.system, "libarchive cannot allocate a reader for \(what)") }
        inner = reader
        archive_read_support_filter_none(reader)
        archive_read_support_format_tar(reader)
        try check(archive_read_open_fd(reader, file.raw, TarReader.blockSize), reader, "open")
    }

    /// Only the OCI encodings gzip leaves over: no external programs, no other formats.
    private func openDecompressor() throws(PodError) {
        try SharedLibrary.require(podarchive_load())
        guard let raw = archive_read_new() else { throw PodError(.system, "libarchive cannot allocate a reader for \(what)") }
        source = .archive(raw)
        archive_read_support_filter_none(raw)
        archive_read_support_filter_zstd(raw)
        archive_read_support_format_raw(raw)
        try check(archive_read_open_fd(raw, file.raw, TarReader.blockSize), raw, "open")
        var header: OpaquePointer?
        try check(archive_read_next_header(raw, &header), raw, "read")
    }

    private func openFromSource() throws(PodError) {
        try SharedLibrary.require(podarchive_load())
        guard let tar = archive_read_new() else { throw PodError(.system, "libarchive cannot allocate a reader for \(what)") }
        inner = tar
        archive_read_support_format_tar(tar)
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(archive_read_open(tar, context, nil, { _, context, buffer in
            guard let context, let buffer else { return -1 }
            return Unmanaged<TarReader>.fromOpaque(context).takeUnretainedValue().pull(buffer)
        }, nil), tar, "open")
    }

    /// The inner reader's read callback: the next uncompressed block.
    private func pull(_ buffer: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        do {
            let block = try nextBlock()
            buffer.pointee = block.baseAddress
            return block.count
        } catch {
            failure = error
            return -1
        }
    }

    /// The next block of the uncompressed stream, hashed and charged; empty at its end.
    private func nextBlock() throws(PodError) -> UnsafeRawBufferPointer {
        let block: UnsafeRawBufferPointer
        switch source {
        case .file: return UnsafeRawBufferPointer(start: nil, count: 0)
        case let .gzip(stream): block = try stream.next()
        case let .archive(outer): block = try archiveBlock(outer)
        }
        if block.count > 0 {
            hasher?.update(block)
            try budget?.charge(Int64(block.count))
        }
        return block
    }

    private func archiveBlock(_ outer: OpaquePointer) throws(PodError) -> UnsafeRawBufferPointer {
        var block: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        while true {
            switch archive_read_data_block(outer, &block, &size, &offset) {
            case ARCHIVE_EOF: return UnsafeRawBufferPointer(start: nil, count: 0)
            case ARCHIVE_OK, ARCHIVE_WARN: if let block, size > 0 { return UnsafeRawBufferPointer(start: block, count: size) }
            default: throw archiveError(outer, "decompress")
            }
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

    /// Reads what remains of the stream after the tar's end marker, so every trailer
    /// and checksum is checked, and returns the digest of the whole uncompressed stream
    /// (nil when the reader was not hashing).
    func finish() throws(PodError) -> Digest? {
        while try nextBlock().count > 0 {}
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
