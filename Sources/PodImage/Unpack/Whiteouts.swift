import CPodShim
import Glibc
import PodCore
import PodOS

/// OCI whiteouts (image spec, layer.md "Whiteouts") in the form overlayfs reads
/// (Documentation/filesystems/overlayfs.rst, "whiteouts and opaque directories"):
///
/// - `.wh.NAME` hides NAME of the layers below: a character device 0/0 named NAME.
/// - `.wh..wh..opq` hides everything below in its directory: the directory gets the
///   xattr `trusted.overlay.opaque=y`.
/// - Other `.wh..wh.` names are AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`), which
///   docker and containerd skip too.
extension LayerUnpacker {
    private static let prefix: [UInt8] = Array(".wh.".utf8)
    private static let opaque: [UInt8] = Array(".wh..wh..opq".utf8)
    private static let metaPrefix: [UInt8] = Array(".wh..wh.".utf8)

    /// Handles `entry` if it is a whiteout; false when it is an ordinary entry.
    func applyWhiteout(_ entry: TarEntry, parents: ArraySlice<[UInt8]>, name: [UInt8]) throws(PodError) -> Bool {
        guard name.starts(with: LayerUnpacker.prefix) else { return false }
        if name == LayerUnpacker.opaque {
            let directory = try parentHandle(parents, entry: entry.displayPath)
            try requireRoot(entry, "an opaque-directory marker")
            let file = try directory.reopen()
            let value: [UInt8] = [0x79]  // "y"
            let result = value.withUnsafeBytes { fsetxattr(file.raw, "trusted.overlay.opaque", $0.baseAddress, 1, 0) }
            if result != 0 { throw PodError.system("fsetxattr", errno: errno, path: directory.path, "\(what): cannot mark \(directory.path) opaque for entry \"\(entry.displayPath)\"") }
            return true
        }
        if name.starts(with: LayerUnpacker.metaPrefix) { return true }
        let hidden = Array(name.dropFirst(LayerUnpacker.prefix.count))
        if hidden.isEmpty || hidden == [0x2e] || hidden == [0x2e, 0x2e] {
            throw LayerUnpacker.refusal(what, entry.displayPath, "it is a whiteout of \"\(String(decoding: hidden, as: UTF8.self))\", which is not a file name")
        }
        let parent = try parentHandle(parents, entry: entry.displayPath)
        try requireRoot(entry, "a whiteout")
        try clearSlot(parent, hidden)
        let path = parent.child(hidden)
        try DirectoryHandle.withName(hidden) { (pointer) throws(PodError) in
            try syscall("mknodat", path: path) { mknodat(parent.raw, pointer, S_IFCHR, 0) }
            try syscall("fchownat", path: path) { fchownat(parent.raw, pointer, 0, 0, AT_SYMLINK_NOFOLLOW) }
        }
        return true
    }

    private func requireRoot(_ entry: TarEntry, _ kind: String) throws(PodError) {
        guard privileged else {
            throw PodError(.unsupported, "\(what): entry \"\(entry.displayPath)\" is \(kind); unpacking it needs root")
        }
    }
}
