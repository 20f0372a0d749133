import CArchive
import CPodShim
import Glibc
import PodCore
import PodOS

/// Writes a directory tree as one uncompressed tar (pax where ustar cannot say it: long
/// names, xattrs, large ids), the layer of `image import DIR`. The walk goes through
/// directory descriptors and never follows a symlink, sorts names so the same tree gives
/// the same tar, keeps owners, modes, mtimes, hard links, device nodes and the xattrs
/// of files and directories; sockets cannot be in a tar and are left out. Like
/// `tar --one-file-system` it stays on the file system of the directory (a mounted
/// /proc or /sys in a root file system is not content), and it never walks into the
/// image store itself, whose blob it is writing.
final class DirectoryTar {
    private let writer: BlobWriter
    private let archive: OpaquePointer
    private var failure: PodError?
    private var seen: [InodeKey: [UInt8]] = [:]
    private let what: String
    private var device: UInt64 = 0
    private let excluded: InodeKey?

    private struct InodeKey: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    /// Tars `directory` into a pending blob of the store.
    static func write(_ directory: String, layout: StoreLayout) throws(PodError) -> PendingBlob {
        let writer = try BlobWriter(layout: layout)
        var store = stat()
        let excluded = stat(layout.root, &store) == 0 ? InodeKey(device: UInt64(store.st_dev), inode: UInt64(store.st_ino)) : nil
        let tar = try DirectoryTar(writer: writer, what: "the directory \(directory)", excluding: excluded)
        try tar.add(try DirectoryHandle.open(directory), prefix: [])
        try tar.close()
        return try writer.finish(expected: nil, expectedSize: nil, what: tar.what)
    }

    private init(writer: BlobWriter, what: String, excluding excluded: InodeKey?) throws(PodError) {
        self.writer = writer
        self.what = what
        self.excluded = excluded
        try SharedLibrary.require(podarchive_load())
        guard let archive = archive_write_new() else { throw PodError(.system, "libarchive cannot allocate a writer for \(what)") }
        self.archive = archive
        archive_write_set_format_pax_restricted(archive)
        archive_write_add_filter_none(archive)
        archive_write_set_bytes_in_last_block(archive, 1)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let status = archive_write_open(archive, context, nil, { _, context, buffer, size in
            guard let context, let buffer else { return -1 }
            return Unmanaged<DirectoryTar>.fromOpaque(context).takeUnretainedValue().sink(buffer, size)
        }, nil)
        try check(status, "start the tar of")
    }

    deinit { archive_write_free(archive) }

    private func sink(_ buffer: UnsafeRawPointer, _ size: Int) -> Int {
        do throws(PodError) {
            try writer.append(UnsafeRawBufferPointer(start: buffer, count: size))
            return size
        } catch {
            failure = error
            return -1
        }
    }

    private func close() throws(PodError) {
        try check(archive_write_close(archive), "finish the tar of")
    }

    /// The directory itself (as `./`), then its children in name order.
    private func add(_ directory: DirectoryHandle, prefix: [UInt8]) throws(PodError) {
        if prefix.isEmpty {
            let file = try directory.reopen()
            var info = stat()
            try syscall("fstat", path: directory.path) { fstat(file.raw, &info) }
            device = UInt64(info.st_dev)
            try writeHeader(Array("./".utf8), info, file: file)
        }
        for name in try directory.names().sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try addChild(name, of: directory, path: prefix + name)
        }
    }

    private func addChild(_ name: [UInt8], of parent: DirectoryHandle, path: [UInt8]) throws(PodError) {
        guard let info = try parent.status(name) else { return }  // vanished while we walked
        let type = info.st_mode & S_IFMT
        let shown = parent.child(name)
        if type != S_IFDIR && info.st_nlink > 1 {
            let key = InodeKey(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            if let first = seen[key] { return try writeHardlink(path, to: first, info) }
            seen[key] = path
        }
        switch type {
        case S_IFDIR:
            let key = InodeKey(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            if key == excluded { return }
            if key.device != device {  // a mount point: kept as an empty directory
                return try writeHeader(path + [0x2f], info, file: nil)
            }
            let child = try parent.openDirectory(name)
            try writeHeader(path + [0x2f], info, file: try child.reopen())
            try add(child, prefix: path + [0x2f])
        case S_IFREG:
            let fd = try withCString(name) { (pointer) throws(PodError) -> Int32 in
                try syscall("openat", path: shown) { openat(parent.raw, pointer, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
            }
            let file = FileDescriptor(raw: fd, path: shown)
            try writeHeader(path, info, file: file)
            try copyData(file)
        case S_IFLNK:
            try writeHeader(path, info, file: nil, linkTarget: try readLink(name, in: parent))
        case S_IFCHR, S_IFBLK, S_IFIFO:
            try writeHeader(path, info, file: nil)
        default:
            return  // a socket: tar has no way to hold one
        }
    }

    private func readLink(_ name: [UInt8], in parent: DirectoryHandle) throws(PodError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try withCString(name) { (pointer) throws(PodError) -> Int in
            try syscallSize("readlinkat", path: parent.child(name)) {
                buffer.withUnsafeMutableBytes { readlinkat(parent.raw, pointer, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
            }
        }
        return Array(buffer.prefix(count))
    }

    private func writeHeader(_ path: [UInt8], _ info: stat, file: FileDescriptor?, linkTarget: [UInt8]? = nil) throws(PodError) {
        guard let entry = archive_entry_new() else { throw PodError(.system, "libarchive cannot allocate an entry for \(what)") }
        defer { archive_entry_free(entry) }
        _ = try withCString(path) { (pointer) throws(PodError) -> Int32 in archive_entry_copy_pathname(entry, pointer); return 0 }
        archive_entry_set_mode(entry, info.st_mode)
        archive_entry_set_uid(entry, la_int64_t(info.st_uid))
        archive_entry_set_gid(entry, la_int64_t(info.st_gid))
        archive_entry_set_mtime(entry, info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
        let type = info.st_mode & S_IFMT
        archive_entry_set_size(entry, type == S_IFREG ? la_int64_t(info.st_size) : 0)
        if type == S_IFCHR || type == S_IFBLK { archive_entry_set_rdev(entry, info.st_rdev) }
        if let linkTarget {
            _ = try withCString(linkTarget) { (pointer) throws(PodError) -> Int32 in archive_entry_copy_symlink(entry, pointer); return 0 }
        }
        if let file { try addXattrs(of: file, to: entry) }
        try check(archive_write_header(archive, entry), "write the header of \(String(decoding: path, as: UTF8.self)) in the tar of")
    }

    private func writeHardlink(_ path: [UInt8], to target: [UInt8], _ info: stat) throws(PodError) {
        guard let entry = archive_entry_new() else { throw PodError(.system, "libarchive cannot allocate an entry for \(what)") }
        defer { archive_entry_free(entry) }
        _ = try withCString(path) { (pointer) throws(PodError) -> Int32 in archive_entry_copy_pathname(entry, pointer); return 0 }
        _ = try withCString(target) { (pointer) throws(PodError) -> Int32 in archive_entry_copy_hardlink(entry, pointer); return 0 }
        archive_entry_set_mode(entry, info.st_mode)
        archive_entry_set_uid(entry, la_int64_t(info.st_uid))
        archive_entry_set_gid(entry, la_int64_t(info.st_gid))
        archive_entry_set_mtime(entry, info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
        archive_entry_set_size(entry, 0)
        try check(archive_write_header(archive, entry), "write the hard link \(String(decoding: path, as: UTF8.self)) in the tar of")
    }

    private func addXattrs(of file: FileDescriptor, to entry: OpaquePointer) throws(PodError) {
        var names = [CChar](repeating: 0, count: 64 * 1024)
        let length = flistxattr(file.raw, &names, names.count)
        guard length > 0 else { return }  // none, or a file system without xattrs
        for rawName in names[0..<length].split(separator: 0) {
            let name = String(decoding: rawName.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var value = [UInt8](repeating: 0, count: 64 * 1024)
            let size = fgetxattr(file.raw, name, &value, value.count)
            if size < 0 { throw PodError.system("fgetxattr", errno: errno, path: file.path, "cannot read the xattr \(name) of \(file.path ?? "a file")") }
            value.withUnsafeBytes { archive_entry_xattr_add_entry(entry, name, $0.baseAddress, size) }
        }
    }

    private func copyData(_ file: FileDescriptor) throws(PodError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try syscallSize("read", path: file.path) { read(file.raw, buffer.baseAddress, buffer.count) }
            if count == 0 { return }
            if archive_write_data(archive, buffer.baseAddress, count) < 0 { try check(ARCHIVE_FATAL, "write \(file.path ?? "a file") into the tar of") }
        }
    }

    private func check(_ status: Int32, _ action: String) throws(PodError) {
        guard status != ARCHIVE_OK && status != ARCHIVE_WARN else { return }
        if let failure { throw failure }
        let text = archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
        throw PodError(.system, "cannot \(action) \(what)", cause: .text(text))
    }
}
