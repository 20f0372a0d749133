import CArchive
import CPodShim
import Glibc
import PodCore
import PodOS

/// Extracts the tar stream of `podctl cp POD:SRC DEST` (hostile: it comes out of a
/// container) under DEST, with kubectl's rules (CopyPaths) and stricter ones of its own:
/// every path is resolved one component at a time below a directory descriptor with
/// O_NOFOLLOW, so no symlink in the destination is ever followed, whoever made it;
/// symlinks in the stream are skipped with kubectl's warning, as are hard links, devices
/// and fifos (kubectl would make empty files of them); sizes and entry counts are bounded.
public struct CopyExtractor {
    public let destination: String
    public let prefix: String
    public let limits: CopyLimits
    let warn: (String) -> Void

    public init(destination: String, prefix: String, limits: CopyLimits = .defaults, warn: @escaping (String) -> Void) {
        self.destination = destination
        self.prefix = prefix
        self.limits = limits
        self.warn = warn
    }

    /// Reads the plain tar on `input` to its end (or to the first error).
    public func extract(from input: Int32) throws(PodError) {
        try SharedLibrary.require(podarchive_load())
        guard let reader = archive_read_new() else { throw PodError(.system, "libarchive cannot allocate a reader") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_none(reader)
        archive_read_support_format_tar(reader)
        guard archive_read_open_fd(reader, input, 64 * 1024) == ARCHIVE_OK else { throw failure(reader, "open") }
        // The destination's own name is resolved like a member's (no symlink followed);
        // "/" and "dir/" have none: their directory is the parent.
        var trimmed = destination
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        let parent = try DirectoryHandle.open(trimmed == "/" ? "/" : Files.dirname(of: trimmed))
        let base = trimmed == "/" ? "" : Files.basename(of: trimmed)
        let top: [[UInt8]] = base.isEmpty ? [] : [Array(base.utf8)]
        var entries = 0
        var bytes: Int64 = 0
        while true {
            var header: OpaquePointer?
            let status = archive_read_next_header(reader, &header)
            if status == ARCHIVE_EOF { return try drain(input, used: bytes) }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let header else { throw failure(reader, "read a header of") }
            entries += 1
            guard entries <= limits.entries else { throw limits.overEntries() }
            try place(TarEntry(header), reader: reader, parent: parent, top: top, bytes: &bytes)
        }
    }

    private func place(_ entry: TarEntry, reader: OpaquePointer, parent: DirectoryHandle, top: [[UInt8]], bytes: inout Int64) throws(PodError) {
        switch CopyPaths.place(entry.path, prefix: Array(prefix.utf8)) {
        case .corrupted:
            throw PodError(.invalidArgument, "tar contents corrupted", cause: .text("the member \"\(entry.displayPath)\" does not start with \"\(prefix)\""))
        case .outside:
            warn("warning: file \"\(shown(entry.path))\" is outside target destination, skipping")
        case let .inside(components):
            let path = top + components
            switch entry.kind {
            case .directory:
                _ = try directory(parent, path)
            case .regular where path.isEmpty:
                throw PodError(.invalidArgument, "cannot write the file \"\(entry.displayPath)\" over the directory \(destination)")
            case .regular:
                let directory = try self.directory(parent, Array(path.dropLast()))
                try write(entry, reader: reader, in: directory, name: path.last!, bytes: &bytes)
            case let .symlink(target):
                warn("warning: skipping symlink: \"\(shown(path))\" -> \"\(String(decoding: target, as: UTF8.self))\"")
            default:
                warn("warning: skipping \"\(shown(path))\": not a regular file or directory")
            }
        }
    }

    /// Opens (making as needed, 0755 as kubectl's MkdirAll) each directory of `path` below
    /// `parent`; a symlink or file in the way is an error (O_NOFOLLOW | O_DIRECTORY).
    private func directory(_ parent: DirectoryHandle, _ path: [[UInt8]]) throws(PodError) -> DirectoryHandle {
        var current = parent
        for name in path {
            if try current.status(name) == nil {
                _ = try withCString(name) { (pointer) throws(PodError) -> Int32 in
                    let result = mkdirat(current.raw, pointer, 0o755)
                    if result != 0 && errno != EEXIST { throw PodError.system("mkdirat", errno: errno, path: current.child(name)) }
                    return result
                }
            }
            current = try current.openDirectory(name)
        }
        return current
    }

    /// A regular file: created or truncated, never through a symlink (O_NOFOLLOW), with
    /// the member's permission bits less setuid, setgid and sticky (and the umask).
    private func write(_ entry: TarEntry, reader: OpaquePointer, in directory: DirectoryHandle, name: [UInt8], bytes: inout Int64) throws(PodError) {
        let path = directory.child(name)
        let fd = try withCString(name) { (pointer) throws(PodError) -> Int32 in
            try syscall("openat", path: path) { openat(directory.raw, pointer, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, entry.permissions & 0o777) }
        }
        let file = FileDescriptor(raw: fd, path: path)
        var block: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        while true {
            let status = archive_read_data_block(reader, &block, &size, &offset)
            if status == ARCHIVE_EOF { return }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN else { throw failure(reader, "read the data of") }
            bytes += Int64(size)
            guard bytes <= limits.bytes else { throw limits.overBytes() }
            guard let block, size > 0 else { continue }
            var done = 0
            while done < size {
                done += try syscallSize("pwrite", path: path) {
                    pwrite(file.raw, block + done, size - done, off_t(offset) + off_t(done))
                }
            }
        }
    }

    /// Reads what follows the end marker (a tar's record padding) to end-of-file, within
    /// the byte cap, so the container's tar ends normally instead of on a broken pipe.
    private func drain(_ input: Int32, used: Int64) throws(PodError) {
        var total = used
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = try syscallSize("read", path: "the container's tar stream") { buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) } }
            if count == 0 { return }
            total += Int64(count)
            guard total <= limits.bytes else { throw limits.overBytes() }
        }
    }

    private func shown(_ path: [[UInt8]]) -> String {
        destination + path.dropFirst(path.count > 0 && !Files.basename(of: destination).isEmpty ? 1 : 0).map { "/" + String(decoding: $0, as: UTF8.self) }.joined()
    }

    private func shown(_ name: [UInt8]) -> String { String(decoding: name, as: UTF8.self) }

    private func failure(_ reader: OpaquePointer, _ action: String) -> PodError {
        let text = archive_error_string(reader).map { String(cString: $0) } ?? "unknown libarchive error"
        return PodError(.invalidArgument, "cannot \(action) the container's tar stream; it is not a tar archive, or it is damaged or cut short", cause: .text("libarchive: \(text)"))
    }
}
