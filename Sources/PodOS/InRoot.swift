import CPodShim
import Glibc
import PodCore

/// Paths inside a directory that stands for a root: a container's root before
/// pivot_root, a volume's directory for a subPath. The kernel resolves every component
/// as if that directory were "/" (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, as
/// crun's safe_openat and runc's securejoin do): `..` stops at it, an absolute symlink
/// restarts at it, and /proc/PID/root-style links are refused. A path from a manifest
/// or an image is never joined to the root as a string.
public enum InRoot {
    public enum Shape: Sendable { case directory, file }

    public static let resolveFlags = UInt64(PODSHIM_RESOLVE_IN_ROOT | PODSHIM_RESOLVE_NO_MAGICLINKS)
    /// For a name just created in a resolved directory: that name, and nothing it points at.
    static let beneathFlags = UInt64(PODSHIM_RESOLVE_BENEATH | PODSHIM_RESOLVE_NO_SYMLINKS)

    /// openat2 of `path` inside `root` (O_PATH unless `flags` says otherwise); -1 with errno.
    public static func open(_ root: Int32, _ path: String, flags: Int32 = podshim_O_PATH) -> Int32 {
        podshim_openat2(root, path, flags | O_CLOEXEC, 0, resolveFlags)
    }

    /// Opens `path` inside `root` (O_PATH), creating what is missing one component at a
    /// time, each in the directory its parent resolved to (runc's MkdirAllInRoot):
    /// directories with `mode`, and the last component as `shape`. A dangling symlink in
    /// the way is not followed out: its target is resolved in the root, and a name that
    /// still cannot be opened after it was made is an error.
    public static func open(_ root: Int32, _ path: String, creating shape: Shape, mode: mode_t = 0o755) throws(PodError) -> Int32 {
        let found = open(root, path)
        if found >= 0 { return found }
        guard errno == ENOENT else { throw PodError.system("openat2", errno: errno, path: path, "cannot resolve \(path) inside its root") }
        let names = path.split(separator: "/").map(String.init)
        var parent = try syscall("openat2", path: "/") { open(root, ".") }
        var prefix = ""
        for (index, name) in names.enumerated() {
            prefix += "/" + name
            var next = open(root, prefix)
            if next < 0 && errno == ENOENT {
                next = make(name, in: parent, as: index == names.count - 1 ? shape : .directory, mode: mode)
            }
            let code = errno
            close(parent)
            guard next >= 0 else { throw PodError.system("openat2", errno: code, path: prefix, "cannot create \(prefix) inside its root") }
            parent = next
        }
        return parent
    }

    /// Makes `name` in `parent` and opens exactly it; -1 with errno.
    private static func make(_ name: String, in parent: Int32, as shape: Shape, mode: mode_t) -> Int32 {
        switch shape {
        case .directory:
            let created = mkdirat(parent, name, mode) == 0
            guard created || errno == EEXIST else { return -1 }
            let made = podshim_openat2(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, beneathFlags)
            // mkdir(2) applies the umask; a directory made here has exactly `mode`.
            if made >= 0 && created { _ = fchmod(made, mode) }
            return made
        case .file:
            let made = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard made >= 0 || errno == EEXIST else { return -1 }
            if made >= 0 { close(made) }
            return podshim_openat2(parent, name, podshim_O_PATH | O_CLOEXEC, 0, beneathFlags)
        }
    }

    /// The path the kernel has for a descriptor (/proc/self/fd): where a resolved name is.
    public static func path(of fd: Int32) throws(PodError) -> String {
        let link = "/proc/self/fd/\(fd)"
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try syscallSize("readlink", path: link) { readlink(link, &buffer, buffer.count - 1) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
