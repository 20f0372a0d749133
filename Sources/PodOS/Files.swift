import Glibc
import PodCore

/// Small file-system operations with errors that name the call and the path.
public enum Files {
    public static func read(_ path: String) throws(PodError) -> [UInt8] {
        try FileDescriptor.open(path, O_RDONLY).readAll()
    }

    public static func readText(_ path: String) throws(PodError) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p` with `mode` for every directory it creates; existing ones are kept as they are.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(PodError) {
        if isDirectory(path) { return }
        let parent = dirname(of: path)
        if parent != path { try makeDirectories(parent, mode: mode) }
        if Glibc.mkdir(path, mode) != 0 {
            let code = Glibc.errno
            if code == EEXIST && isDirectory(path) { return }
            throw PodError.system("mkdir", errno: code, path: path)
        }
        // mkdir(2) applies the umask; state directories must have exactly `mode`.
        try syscall("chmod", path: path) { chmod(path, mode) }
    }

    /// Removes a file; a file that is already gone is not an error.
    public static func remove(_ path: String) throws(PodError) {
        if unlink(path) != 0 && Glibc.errno != ENOENT {
            throw PodError.system("unlink", errno: Glibc.errno, path: path)
        }
    }

    /// Names in a directory, without `.` and `..`; a missing directory has none.
    public static func list(_ path: String) throws(PodError) -> [String] {
        guard let dir = opendir(path) else {
            if Glibc.errno == ENOENT { return [] }
            throw PodError.system("opendir", errno: Glibc.errno, path: path)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The directories in a directory (not following symlinks), by the type getdents(2)
    /// gives with each name: no stat(2) per entry, where a cgroup directory holds dozens
    /// of files beside its few children. A file system that gives no type (DT_UNKNOWN)
    /// has the entry looked up. A missing directory has none.
    public static func subdirectories(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): names.append(name)
            case Int32(DT_UNKNOWN):
                var info = stat()
                if lstat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { names.append(name) }
            default: break
            }
        }
        return names.sorted()
    }

    /// Removes a directory tree without following symlinks out of it.
    public static func removeTree(_ path: String) throws(PodError) {
        var info = stat()
        if lstat(path, &info) != 0 {
            if Glibc.errno == ENOENT { return }
            throw PodError.system("lstat", errno: Glibc.errno, path: path)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            // overlayfs makes the "work" directory in its workdir with mode 0: no obstacle
            // for root, but its owner without CAP_DAC_OVERRIDE (a non-root user's pod,
            // docs/rootless.md) must open it up before it can empty it.
            if info.st_mode & 0o700 != 0o700 && info.st_uid == geteuid() { _ = chmod(path, 0o700) }
            for name in try list(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 && Glibc.errno != ENOENT {
                throw PodError.system("rmdir", errno: Glibc.errno, path: path)
            }
        } else {
            try remove(path)
        }
    }

    public static func dirname(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public static func basename(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
