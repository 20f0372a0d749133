import Glibc
import PodCore
import PodOS

/// The safety rules of unpacking (docs/images.md, "Safety"). A layer is untrusted input:
/// no entry may create or change anything outside the layer's directory.
///
/// 1. Names are split into components; empty and `.` components go, and a leading `/`
///    means the layer root (OCI image spec, layer.md: entries are relative to the root
///    of the file system; an absolute name is read the same way, never as the host's
///    root). A `..` component anywhere refuses the layer: tar would resolve it
///    lexically, but a layer that needs it is hostile or broken.
/// 2. The parent directory of every entry is reached one component at a time with
///    openat(O_PATH|O_DIRECTORY|O_NOFOLLOW) from the layer root's descriptor, so the
///    kernel, not a string check, guarantees that no symlink is followed. A symlink (or
///    a file) where a directory of the path should be refuses the layer: a layer never
///    needs to write through a link of its own making (a tar from a real tree cannot
///    contain one), and following it is how an entry would escape.
/// 3. The last component is created with *at calls on that parent descriptor and never
///    followed: O_CREAT|O_EXCL|O_NOFOLLOW for files, and whatever was there before
///    (a symlink to /etc/passwd, say) is removed first, never opened.
/// 4. A hard link's target obeys rules 1 and 2 too, and must already be in the layer.
extension LayerUnpacker {
    /// The components of an entry name; none for the layer root itself (`./`, `/`).
    static func components(of entry: TarEntry, what: String) throws(PodError) -> [[UInt8]] {
        try components(of: entry.path, entry: entry.displayPath, what: what)
    }

    static func components(of path: [UInt8], entry: String, what: String) throws(PodError) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for part in path.split(separator: 0x2f, omittingEmptySubsequences: true) {
            if part.count == 1 && part.first == 0x2e { continue }
            if part.count == 2 && part.allSatisfy({ $0 == 0x2e }) {
                throw refusal(what, entry, "its name contains \"..\", which would reach outside the layer")
            }
            result.append(Array(part))
        }
        return result
    }

    /// The directory that holds `components.last`, reached without following symlinks.
    /// Missing directories are created (0755, as tar and containerd do for a parent the
    /// archive does not list) when `create` is set.
    func resolveParent(_ components: ArraySlice<[UInt8]>, entry: String, create: Bool) throws(PodError) -> DirectoryHandle {
        var current = root
        for name in components {
            current = try step(from: current, into: name, entry: entry, create: create)
        }
        return current
    }

    private func step(from directory: DirectoryHandle, into name: [UInt8], entry: String, create: Bool) throws(PodError) -> DirectoryHandle {
        do throws(PodError) {
            return try directory.openDirectory(name)
        } catch {
            switch error.errno {
            case ENOENT? where create:
                try DirectoryHandle.withName(name) { (pointer) throws(PodError) in
                    if mkdirat(directory.raw, pointer, 0o755) != 0 {
                        throw PodError.system("mkdirat", errno: errno, path: directory.child(name))
                    }
                    // Exactly 0755, whatever the umask: the directory was just made here, so
                    // fchmodat (which follows a final symlink) acts on it.
                    try syscall("fchmodat", path: directory.child(name)) { fchmodat(directory.raw, pointer, 0o755, 0) }
                }
                return try directory.openDirectory(name)
            case ENOTDIR?, ELOOP?:
                let isLink = (try? directory.status(name)).flatMap { $0 }.map { ($0.st_mode & S_IFMT) == S_IFLNK } ?? false
                let part = String(decoding: name, as: UTF8.self)
                throw LayerUnpacker.refusal(what, entry, isLink
                    ? "its path goes through \"\(part)\", a symlink; following it could reach outside the layer"
                    : "its path goes through \"\(part)\", which is not a directory")
            default:
                throw error
            }
        }
    }

    static func refusal(_ what: String, _ entry: String, _ problem: String) -> PodError {
        PodError(.invalidArgument, "\(what): entry \"\(entry)\" is refused: \(problem); the layer was not stored, and nothing outside it was touched")
    }
}
