import CPodShim
import Glibc
import PodCore
import PodOS

/// Calls relative to a directory descriptor, with names given as raw bytes. The
/// unpacker works only through these: every name is one path component, resolved
/// against a descriptor it already trusts, so no string of a layer is ever handed to
/// the kernel as a path that could climb out.
struct DirectoryHandle {
    let descriptor: FileDescriptor
    /// For messages only: where this directory is.
    let path: String

    var raw: Int32 { descriptor.raw }

    /// Runs `body` with a NUL-terminated copy of `name`.
    static func withName<T>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) throws(PodError) -> T) throws(PodError) -> T {
        try withCString(name, body)
    }

    func child(_ name: [UInt8]) -> String { path + "/" + String(decoding: name, as: UTF8.self) }

    /// lstat of a child: nil when there is none.
    func status(_ name: [UInt8]) throws(PodError) -> stat? {
        var info = stat()
        let result = try DirectoryHandle.withName(name) { fstatat(raw, $0, &info, AT_SYMLINK_NOFOLLOW) }
        if result == 0 { return info }
        if errno == ENOENT { return nil }
        throw PodError.system("fstatat", errno: errno, path: child(name))
    }

    /// Opens a child directory without following a symlink: the kernel refuses a symlink
    /// here (O_NOFOLLOW), so nothing outside can be reached through this name.
    func openDirectory(_ name: [UInt8]) throws(PodError) -> DirectoryHandle {
        let fd = try DirectoryHandle.withName(name) { (pointer) throws(PodError) -> Int32 in
            try syscall("openat", path: child(name)) { openat(raw, pointer, podshim_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        }
        return DirectoryHandle(descriptor: FileDescriptor(raw: fd, path: child(name)), path: child(name))
    }

    /// A readable descriptor of this directory itself (for fchmod, fsetxattr, futimens,
    /// which an O_PATH descriptor does not allow).
    func reopen() throws(PodError) -> FileDescriptor {
        let fd = try syscall("openat", path: path) { openat(raw, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        return FileDescriptor(raw: fd, path: path)
    }

    static func open(_ path: String) throws(PodError) -> DirectoryHandle {
        let fd = try syscall("open", path: path) { Glibc.open(path, podshim_O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        return DirectoryHandle(descriptor: FileDescriptor(raw: fd, path: path), path: path)
    }

    /// Removes a child of any kind; a directory with all it holds. Nothing is followed.
    func removeChild(_ name: [UInt8]) throws(PodError) {
        guard let info = try status(name) else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            let fd = try DirectoryHandle.withName(name) { (pointer) throws(PodError) -> Int32 in
                try syscall("openat", path: child(name)) { openat(raw, pointer, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            }
            let directory = DirectoryHandle(descriptor: FileDescriptor(raw: fd, path: child(name)), path: child(name))
            // A directory without write permission (0555) could not be emptied by a
            // non-root caller; it is ours, so it may be opened up first.
            if (info.st_mode & 0o700) != 0o700 { _ = fchmod(fd, 0o700) }
            for entry in try directory.names() { try directory.removeChild(entry) }
            _ = try DirectoryHandle.withName(name) { (pointer) throws(PodError) -> Int32 in
                try syscall("unlinkat", path: child(name)) { unlinkat(raw, pointer, AT_REMOVEDIR) }
            }
        } else {
            _ = try DirectoryHandle.withName(name) { (pointer) throws(PodError) -> Int32 in
                try syscall("unlinkat", path: child(name)) { unlinkat(raw, pointer, 0) }
            }
        }
    }

    /// The names in this directory, as raw bytes, without `.` and `..`.
    func names() throws(PodError) -> [[UInt8]] {
        let fd = try syscall("openat", path: path) { openat(raw, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let stream = fdopendir(fd) else {
            let code = errno
            _ = close(fd)
            throw PodError.system("fdopendir", errno: code, path: path)
        }
        defer { closedir(stream) }
        var result: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2e] && name != [0x2e, 0x2e] { result.append(name) }
        }
        return result
    }
}

/// Removes a directory tree of the store (a failed layer, a pruned one) without
/// following any symlink in it; a tree that is already gone is not an error.
func removeStoreTree(_ path: String) throws(PodError) {
    let parent = try DirectoryHandle.open(Files.dirname(of: path))
    try parent.removeChild(Array(Files.basename(of: path).utf8))
}
