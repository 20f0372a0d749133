import CArchive
import Foundation
import Glibc
import PodCore
import PodOS

/// Packs a local file or directory for `podctl cp LOCAL POD:DEST`, as kubectl's makeTar:
/// members are named after DEST's last component (`bar`, `bar/x`, …), so `tar -xmf - -C
/// dirname(DEST)` in the container puts them at DEST. Symlinks are packed as symlinks,
/// never followed; sockets and devices are left out. The local side is the user's own,
/// so it is read by path; what the container does with the stream is its business.
public struct CopyPacker {
    let source: String
    let name: String

    public init(source: String, destinationName: String) {
        self.source = source
        self.name = destinationName
    }

    /// Writes the whole tar to `output` (a file or pipe).
    public func pack(to output: Int32) throws(PodError) {
        try SharedLibrary.require(podarchive_load())
        guard let writer = archive_write_new() else { throw PodError(.system, "libarchive cannot allocate a writer") }
        defer { archive_write_free(writer) }
        archive_write_set_format_pax_restricted(writer)
        guard archive_write_open_fd(writer, output) == ARCHIVE_OK else { throw failure(writer, "open") }
        try add(source, as: name, writer)
        guard archive_write_close(writer) == ARCHIVE_OK else { throw failure(writer, "finish") }
    }

    private func add(_ path: String, as member: String, _ writer: OpaquePointer) throws(PodError) {
        var info = stat()
        try syscall("lstat", path: path) { lstat(path, &info) }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFDIR || type == S_IFLNK else { return }
        guard let entry = archive_entry_new() else { throw PodError(.system, "libarchive cannot allocate an entry") }
        defer { archive_entry_free(entry) }
        archive_entry_copy_pathname(entry, member)
        archive_entry_copy_stat(entry, &info)
        if type == S_IFLNK {
            let target = try FileManager.default.destinationOfSymbolicLinkOrThrow(path)
            archive_entry_copy_symlink(entry, target)
        }
        guard archive_write_header(writer, entry) == ARCHIVE_OK else { throw failure(writer, "write the header of \(path) to") }
        if type == S_IFREG { try copyData(path, writer) }
        guard type == S_IFDIR else { return }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path).sorted() } catch {
            throw PodError(.system, "cannot read the directory \(path)", cause: .text("\(error)"))
        }
        for child in names { try add(path + "/" + child, as: member + "/" + child, writer) }
    }

    private func copyData(_ path: String, _ writer: OpaquePointer) throws(PodError) {
        let file = try FileDescriptor.open(path, O_RDONLY | O_NOFOLLOW)
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count = try syscallSize("read", path: path) { buffer.withUnsafeMutableBytes { read(file.raw, $0.baseAddress, $0.count) } }
            if count == 0 { return }
            let written = buffer.withUnsafeBytes { archive_write_data(writer, $0.baseAddress, count) }
            guard written == count else { throw failure(writer, "write \(path) to") }
        }
    }

    private func failure(_ writer: OpaquePointer, _ action: String) -> PodError {
        let text = archive_error_string(writer).map { String(cString: $0) } ?? "unknown libarchive error"
        return PodError(.system, "cannot \(action) the tar stream for the container", cause: .text("libarchive: \(text)"))
    }
}

extension FileManager {
    fileprivate func destinationOfSymbolicLinkOrThrow(_ path: String) throws(PodError) -> String {
        do { return try destinationOfSymbolicLink(atPath: path) } catch {
            throw PodError(.system, "cannot read the symlink \(path)", cause: .text("\(error)"))
        }
    }
}
