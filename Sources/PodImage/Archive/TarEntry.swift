import CArchive
import Glibc

/// One tar header, copied out of libarchive (whose entry is only valid until the next
/// header is read). Paths are kept as raw bytes: a tar name need not be UTF-8, and a
/// layer must unpack to exactly the names it holds.
struct TarEntry {
    enum Kind: Equatable {
        case regular
        case directory
        case symlink(target: [UInt8])
        case hardlink(target: [UInt8])
        case characterDevice(major: UInt32, minor: UInt32)
        case blockDevice(major: UInt32, minor: UInt32)
        case fifo
        case other(mode_t)
    }

    var path: [UInt8]
    var kind: Kind
    /// Permission bits with setuid, setgid and sticky (07777).
    var permissions: mode_t
    var uid: Int64
    var gid: Int64
    var size: Int64
    var modified: timespec?
    var accessed: timespec?
    var xattrs: [(name: String, value: [UInt8])]

    var displayPath: String { String(decoding: path, as: UTF8.self) }

    init(_ entry: OpaquePointer) {
        path = TarEntry.bytes(archive_entry_pathname(entry))
        permissions = mode_t(archive_entry_perm(entry)) & 0o7777
        uid = archive_entry_uid(entry)
        gid = archive_entry_gid(entry)
        size = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : 0
        modified = archive_entry_mtime_is_set(entry) != 0
            ? timespec(tv_sec: archive_entry_mtime(entry), tv_nsec: archive_entry_mtime_nsec(entry)) : nil
        accessed = archive_entry_atime_is_set(entry) != 0
            ? timespec(tv_sec: archive_entry_atime(entry), tv_nsec: archive_entry_atime_nsec(entry)) : nil
        kind = TarEntry.kind(of: entry)
        xattrs = TarEntry.xattrs(of: entry)
    }

    private static func kind(of entry: OpaquePointer) -> Kind {
        // A hard link's type field says what it links to (or nothing); the link wins.
        if let target = archive_entry_hardlink(entry) { return .hardlink(target: bytes(target)) }
        let major = UInt32(truncatingIfNeeded: archive_entry_rdevmajor(entry))
        let minor = UInt32(truncatingIfNeeded: archive_entry_rdevminor(entry))
        switch mode_t(archive_entry_filetype(entry)) {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink(target: bytes(archive_entry_symlink(entry)))
        case S_IFCHR: return .characterDevice(major: major, minor: minor)
        case S_IFBLK: return .blockDevice(major: major, minor: minor)
        case S_IFIFO: return .fifo
        case let type: return .other(type)
        }
    }

    private static func xattrs(of entry: OpaquePointer) -> [(name: String, value: [UInt8])] {
        var result: [(name: String, value: [UInt8])] = []
        guard archive_entry_xattr_reset(entry) > 0 else { return result }
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK {
            guard let name else { continue }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            result.append((String(cString: name), bytes))
        }
        return result
    }

    static func bytes(_ text: UnsafePointer<CChar>?) -> [UInt8] {
        guard let text else { return [] }
        return Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
    }
}
