import CPodShim
import Glibc
import PodCore
import PodOS

/// The overlay root of a container: the image's layers as lower directories, and an
/// upper and a work directory of the container's own. No Foundation here: the
/// single-threaded namespace helper (docs/architecture.md) will call `mount`.
public enum OverlayMount {
    /// The writable directories of one container, under its state directory
    /// (`<pod dir>/containers/<name>` for instance): `upper/` takes its changes,
    /// `work/` is overlayfs' scratch space and must be on the same file system.
    public struct ContainerDirectories: Sendable, Equatable {
        public let upper: String
        public let work: String

        public init(stateDirectory: String) {
            upper = stateDirectory + "/upper"
            work = stateDirectory + "/work"
        }

        /// Creates both (0755 for upper: it becomes the container's `/` where the image
        /// does not say otherwise; 0700 for work, which nobody else needs to see).
        public func prepare() throws(PodError) {
            try Files.makeDirectories(upper, mode: 0o755)
            try Files.makeDirectories(work, mode: 0o700)
        }
    }

    public enum Method: Sendable, Equatable {
        /// fsopen + fsconfig("lowerdir+") per layer + fsmount + move_mount.
        case mountAPI
        /// mount(2) with one option string, limited to a page.
        case legacy
    }

    /// Mounts an overlay at `target`. `lower` is topmost first (`ImageStore.lowerDirectories`).
    ///
    /// With the new mount API each lower directory is its own fsconfig call ("lowerdir+",
    /// Linux 6.8, overlayfs.rst "Specifying layers"), so a deep image never meets the
    /// page-size limit of mount(2)'s option string, and paths need no escaping. Where
    /// the kernel lacks fsopen (ENOSYS) or "lowerdir+" (EINVAL), it falls back to
    /// mount(2). Returns the method that was used.
    @discardableResult
    public static func mount(lower: [String], upper: String, work: String, target: String) throws(PodError) -> Method {
        guard !lower.isEmpty else { throw PodError(.invalidArgument, "an overlay needs at least one lower directory") }
        do throws(PodError) {
            try mountWithAPI(lower: lower, upper: upper, work: work, target: target)
            return .mountAPI
        } catch {
            guard error.errno == ENOSYS || error.code == .unsupported else { throw error }
        }
        try mountLegacy(lower: lower, upper: upper, work: work, target: target)
        return .legacy
    }

    static func mountWithAPI(lower: [String], upper: String, work: String, target: String) throws(PodError) {
        let context = try syscall("fsopen", path: target) { podshim_fsopen("overlay", UInt32(PODSHIM_FSOPEN_CLOEXEC)) }
        let fs = FileDescriptor(raw: context, path: target)
        for directory in lower {
            try set(fs, "lowerdir+", directory)
        }
        try set(fs, "upperdir", upper)
        try set(fs, "workdir", work)
        if podshim_fsconfig(fs.raw, UInt32(PODSHIM_FSCONFIG_CMD_CREATE), nil, nil, 0) != 0 {
            let code = errno
            let detail = kernelMessages(fs).joined(separator: "; ")
            throw PodError(.system, "overlay: cannot create the overlay for \(target)" + (detail.isEmpty ? "" : " (kernel: \(detail))"),
                           cause: .system(call: "fsconfig(create)", errno: code, path: target))
        }
        let mounted = try syscall("fsmount", path: target) { podshim_fsmount(fs.raw, UInt32(PODSHIM_FSMOUNT_CLOEXEC), 0) }
        let mount = FileDescriptor(raw: mounted, path: target)
        try syscall("move_mount", path: target) {
            podshim_move_mount(mount.raw, "", AT_FDCWD, target, UInt32(PODSHIM_MOVE_MOUNT_F_EMPTY_PATH))
        }
    }

    private static func set(_ fs: FileDescriptor, _ key: String, _ value: String) throws(PodError) {
        guard podshim_fsconfig(fs.raw, UInt32(PODSHIM_FSCONFIG_SET_STRING), key, value, 0) != 0 else { return }
        let code = errno
        let cause = PodError.Cause.system(call: "fsconfig(\(key))", errno: code, path: value)
        let messages = kernelMessages(fs)
        if key == "lowerdir+" && code == EINVAL && messages.contains(where: { $0.contains("lowerdir+") || $0.contains("Unknown parameter") }) {
            throw PodError(.unsupported, "overlay: this kernel's overlayfs has no \"lowerdir+\" (Linux 6.8)", cause: cause)
        }
        let detail = messages.joined(separator: "; ")
        throw PodError(.system, "overlay: cannot set \(key) to \(value)" + (detail.isEmpty ? "" : " (kernel: \(detail))"), cause: cause)
    }

    /// The messages the kernel left on the fs context ("e overlay: …"): the real reason
    /// behind a bare EINVAL (fsopen(2), "Message retrieval interface").
    private static func kernelMessages(_ fs: FileDescriptor) -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        for _ in 0..<16 {
            let count = buffer.withUnsafeMutableBytes { read(fs.raw, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
        return messages
    }

    /// mount(2): the options must fit in one page (overlayfs.rst), and `:` and `,`
    /// would need escaping; store paths have neither, anything else is refused.
    static func mountLegacy(lower: [String], upper: String, work: String, target: String) throws(PodError) {
        for path in lower + [upper, work] where path.contains(":") || path.contains(",") || path.contains("\\") {
            throw PodError(.unsupported, "overlay: \(path) contains ':', ',' or '\\', which mount(2) options cannot carry on this kernel (it has no fsconfig lowerdir+)")
        }
        let options = "lowerdir=\(lower.joined(separator: ":")),upperdir=\(upper),workdir=\(work)"
        let limit = Int(getpagesize()) - 1
        guard options.utf8.count <= limit else {
            throw PodError(.unsupported, "overlay: \(lower.count) layers make a \(options.utf8.count)-byte mount option string, over the \(limit)-byte limit of mount(2) on this kernel (it has no fsconfig lowerdir+); move the store to a shorter --root")
        }
        try syscall("mount", path: target) { Glibc.mount("overlay", target, "overlay", 0, options) }
    }

    /// Unmounts `target` (detached: a process still inside keeps its view until it leaves).
    public static func unmount(_ target: String) throws(PodError) {
        try syscall("umount2", path: target) { umount2(target, Int32(MNT_DETACH)) }
    }
}
