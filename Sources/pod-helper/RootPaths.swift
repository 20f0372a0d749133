import Glibc
import PodCore
import PodOS

/// Paths inside the container's root while it is built (before pivot_root), resolved
/// through the root's descriptor by InRoot (openat2 RESOLVE_IN_ROOT): a symlink the image
/// planted at a mount point cannot lead a mount, a device node or a created directory
/// out of the root (docs/runtime.md, "Paths inside the root").

/// Opens `path` in the root, creating what is missing; a failure ends the helper.
func openInRoot(_ root: Int32, _ path: String, creating shape: InRoot.Shape, mode: mode_t = 0o755) -> Int32 {
    do {
        return try InRoot.open(root, path, creating: shape, mode: mode)
    } catch {
        failSetup(error)
    }
}

/// Opens `path` in the root; nil when it does not exist, and any other error ends the helper.
func openExisting(_ root: Int32, _ path: String) -> Int32? {
    let fd = InRoot.open(root, path)
    if fd < 0 && errno == ENOENT { return nil }
    return check(fd, "openat2", path, "cannot resolve \(path) inside the container's root")
}

/// mount(2) follows this link to the very file the descriptor holds, so a mount lands on
/// what was resolved inside the root, not on a path walked again (runc mounts the same way,
/// onto /proc/self/fd of the target it opened in the root).
func fdPath(_ fd: Int32) -> String { "/proc/self/fd/\(fd)" }

func failSetup(_ error: PodError) -> Never {
    if case let .system(call, code, path) = error.cause {
        fail(.setup, call, code, path ?? "", "\(error.message): \(String(cString: strerror(code)))")
    }
    fail(.setup, "", 0, "", error.description)
}

/// The root and the kernel filesystems' mount points: no volume may cover them, nor be
/// mounted anywhere in /proc but the files runc allows. Validation refuses those mount
/// paths as written; this catches a path that reaches them through a symlink in the image.
struct ReservedTargets {
    private struct Identity: Equatable {
        let device: UInt64
        let inode: UInt64
    }

    private let reserved: [(path: String, identity: Identity)]
    private let procDevice: UInt64

    /// Taken after /proc, /sys and /dev are mounted, so their identities are the mounts'.
    init(root: Int32) {
        reserved = ["/", "/proc", "/sys", "/dev"].compactMap { path in
            guard let fd = openExisting(root, path) else { return nil }
            defer { close(fd) }
            return (path, Self.identity(fd))
        }
        procDevice = reserved.first { $0.path == "/proc" }?.identity.device ?? 0
    }

    /// Why `target`, resolved to `fd`, may not be mounted on; nil when it may.
    func problem(_ fd: Int32, target: String) -> String? {
        let identity = Self.identity(fd)
        if let hit = reserved.first(where: { $0.identity == identity }) { return "it is the container's \(hit.path)" }
        // Validation lets only runc's allow-list of /proc files through, written as such.
        if identity.device == procDevice && !target.hasPrefix("/proc/") { return "it leads into the container's /proc" }
        return nil
    }

    private static func identity(_ fd: Int32) -> Identity {
        var info = stat()
        check(fstat(fd, &info), "fstat", "", "cannot inspect a mount point")
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
