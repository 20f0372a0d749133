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
    /// the way (an image's `/etc/resolv.conf -> ../run/…`) is followed inside the root, as
    /// runc's securejoin follows it: what is made is made where it points in the root.
    public static func open(_ root: Int32, _ path: String, creating shape: Shape, mode: mode_t = 0o755) throws(PodError) -> Int32 {
        var current = path
        // Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS).
        for _ in 0..<40 {
            switch try walk(root, current, creating: shape, mode: mode) {
            case let .opened(fd): return fd
            case let .redirected(next): current = next
            }
        }
        throw PodError.system("openat2", errno: ELOOP, path: path, "cannot create \(path) inside its root")
    }

    private enum Step {
        case opened(Int32)
        /// A dangling symlink: the path to walk again, with the link's target in its place.
        case redirected(String)
    }

    private static func walk(_ root: Int32, _ path: String, creating shape: Shape, mode: mode_t) throws(PodError) -> Step {
        let found = open(root, path)
        if found >= 0 { return .opened(found) }
        guard errno == ENOENT else { throw PodError.system("openat2", errno: errno, path: path, "cannot resolve \(path) inside its root") }
        let names = path.split(separator: "/").map(String.init)
        var parent = try syscall("openat2", path: "/") { open(root, ".") }
        var prefix = ""
        for (index, name) in names.enumerated() {
            let parentPath = prefix
            prefix += "/" + name
            var next = open(root, prefix)
            if next < 0 && errno == ENOENT {
                if let target = linkTarget(name, in: parent) {
                    close(parent)
                    let rest = names[(index + 1)...].joined(separator: "/")
                    let resolved = target.hasPrefix("/") ? target : parentPath + "/" + target
                    return .redirected(rest.isEmpty ? resolved : resolved + "/" + rest)
                }
                next = make(name, in: parent, as: index == names.count - 1 ? shape : .directory, mode: mode)
            }
            let code = errno
            close(parent)
            guard next >= 0 else { throw PodError.system("openat2", errno: code, path: prefix, "cannot create \(prefix) inside its root") }
            parent = next
        }
        return .opened(parent)
    }

    /// The target of `name` in `parent` when it is a symlink.
    private static func linkTarget(_ name: String, in parent: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(parent, name, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
}
