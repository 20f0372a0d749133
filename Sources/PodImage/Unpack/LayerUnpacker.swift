import CPodShim
import Glibc
import PodCore
import PodOS

/// Writes the entries of one layer tar into a directory, keeping modes, owners, times,
/// xattrs, hard links, symlinks and device nodes, and turning OCI whiteouts into the
/// form overlayfs reads (Whiteouts.swift). The safety rules are in
/// LayerUnpacker+Safety.swift; every file-system call here is relative to a directory
/// descriptor reached under those rules.
///
/// Without root (tests, a curious user) owners and `trusted.`/`security.` xattrs cannot
/// be kept and are dropped; device nodes and whiteouts are refused.
final class LayerUnpacker {
    let root: DirectoryHandle
    let what: String
    let privileged: Bool
    /// Charged by the reader for the stream; here only for the holes of sparse files.
    let budget: UnpackBudget?
    private(set) var unpackedBytes: Int64 = 0
    private(set) var entryCount = 0
    /// Directory modes and times are applied at the end: writing children changes a
    /// directory's mtime, and a read-only directory could not receive them.
    private var directoryOrder: [[[UInt8]]] = []
    private var directories: [[[UInt8]]: TarEntry] = [:]
    /// Tar entries come grouped by directory; one remembered parent saves most lookups.
    private var lastParent: (components: ArraySlice<[UInt8]>, handle: DirectoryHandle)?

    init(directory: String, what: String, budget: UnpackBudget? = nil, privileged: Bool = geteuid() == 0) throws(PodError) {
        root = try DirectoryHandle.open(directory)
        self.what = what
        self.budget = budget
        self.privileged = privileged
    }

    /// Unpacks every entry of `reader`, then applies directory metadata.
    func unpack(_ reader: TarReader) throws(PodError) {
        while let entry = try reader.next() {
            entryCount += 1
            try apply(entry, reader)
        }
        try finishDirectories()
    }

    private func apply(_ entry: TarEntry, _ reader: TarReader) throws(PodError) {
        let parts = try LayerUnpacker.components(of: entry, what: what)
        guard let name = parts.last else {
            guard entry.kind == .directory else {
                throw LayerUnpacker.refusal(what, entry.displayPath, "it names the layer root but is not a directory")
            }
            try recordDirectory([], entry, handle: root)
            return
        }
        if try applyWhiteout(entry, parents: parts.dropLast(), name: name) { return }
        let parent = try parentHandle(parts.dropLast(), entry: entry.displayPath)
        switch entry.kind {
        case .regular: try writeFile(entry, in: parent, name: name, reader)
        case .directory: try makeDirectory(entry, parts, in: parent, name: name)
        case let .symlink(target): try makeSymlink(entry, target: target, in: parent, name: name)
        case let .hardlink(target): try makeHardlink(entry, target: target, in: parent, name: name)
        case let .characterDevice(major, minor): try makeNode(entry, S_IFCHR, device(major, minor), in: parent, name: name)
        case let .blockDevice(major, minor): try makeNode(entry, S_IFBLK, device(major, minor), in: parent, name: name)
        case .fifo: try makeNode(entry, S_IFIFO, 0, in: parent, name: name)
        case let .other(type):
            throw LayerUnpacker.refusal(what, entry.displayPath, "its file type (\(String(type, radix: 8))) cannot be unpacked")
        }
    }

    func parentHandle(_ components: ArraySlice<[UInt8]>, entry: String) throws(PodError) -> DirectoryHandle {
        if let lastParent, lastParent.components == components { return lastParent.handle }
        let handle = try resolveParent(components, entry: entry, create: true)
        lastParent = (components, handle)
        return handle
    }

    /// Makes room for a new entry: whatever is at `name` goes (never followed), except a
    /// directory that a directory entry is about to update. Returns whether a directory
    /// was kept.
    @discardableResult
    func clearSlot(_ parent: DirectoryHandle, _ name: [UInt8], keepingDirectory: Bool = false) throws(PodError) -> Bool {
        guard let info = try parent.status(name) else { return false }
        let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
        if isDirectory && keepingDirectory { return true }
        if isDirectory { lastParent = nil }  // it may be the remembered parent or above it
        try parent.removeChild(name)
        return false
    }

    private func writeFile(_ entry: TarEntry, in parent: DirectoryHandle, name: [UInt8], _ reader: TarReader) throws(PodError) {
        try clearSlot(parent, name)
        let path = parent.child(name)
        let fd = try DirectoryHandle.withName(name) { (pointer) throws(PodError) -> Int32 in
            try syscall("openat", path: path) { openat(parent.raw, pointer, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) }
        }
        let file = FileDescriptor(raw: fd, path: path)
        var end: Int64 = 0
        var written: Int64 = 0
        try reader.readData { (block, offset) throws(PodError) in
            written += Int64(block.count)
            var done = 0
            while done < block.count {
                done += try syscallSize("pwrite", path: path) {
                    pwrite(fd, block.baseAddress! + done, block.count - done, off_t(offset) + off_t(done))
                }
            }
            end = max(end, offset + Int64(block.count))
        }
        if entry.size > written { try budget?.charge(entry.size - written) }  // the holes of a sparse file
        if end < entry.size {  // a sparse file that ends in a hole
            try syscall("ftruncate", path: path) { ftruncate(fd, off_t(entry.size)) }
        }
        unpackedBytes += entry.size
        try setOwner(entry) { (uid, gid) throws(PodError) in try syscall("fchown", path: path) { fchown(fd, uid, gid) } }
        // After chown, which clears setuid and setgid bits (chown(2)).
        try syscall("fchmod", path: path) { fchmod(fd, entry.permissions) }
        try setXattrs(entry, path: path) { fsetxattr(file.raw, $0, $1, $2, 0) }
        var times = LayerUnpacker.times(entry)
        try syscall("futimens", path: path) { futimens(fd, &times) }
    }

    private func makeDirectory(_ entry: TarEntry, _ parts: [[UInt8]], in parent: DirectoryHandle, name: [UInt8]) throws(PodError) {
        if !(try clearSlot(parent, name, keepingDirectory: true)) {
            let made = try DirectoryHandle.withName(name) { mkdirat(parent.raw, $0, 0o700) }
            if made != 0 { throw PodError.system("mkdirat", errno: errno, path: parent.child(name)) }
        }
        try recordDirectory(parts, entry, handle: try parent.openDirectory(name))
    }

    /// Owner and xattrs now (they do not change as children arrive); mode and times later.
    private func recordDirectory(_ parts: [[UInt8]], _ entry: TarEntry, handle: DirectoryHandle) throws(PodError) {
        let file = try handle.reopen()
        try setOwner(entry) { (uid, gid) throws(PodError) in try syscall("fchown", path: handle.path) { fchown(file.raw, uid, gid) } }
        try setXattrs(entry, path: handle.path) { fsetxattr(file.raw, $0, $1, $2, 0) }
        if directories[parts] == nil { directoryOrder.append(parts) }
        directories[parts] = entry
    }

    private func finishDirectories() throws(PodError) {
        for parts in directoryOrder {
            guard let entry = directories[parts], let handle = existingDirectory(parts) else { continue }
            let file = try handle.reopen()
            try syscall("fchmod", path: handle.path) { fchmod(file.raw, entry.permissions) }
            var times = LayerUnpacker.times(entry)
            try syscall("futimens", path: handle.path) { futimens(file.raw, &times) }
        }
    }

    /// A recorded directory, if a later entry did not replace it.
    private func existingDirectory(_ parts: [[UInt8]]) -> DirectoryHandle? {
        guard let name = parts.last else { return root }
        let parent = try? resolveParent(parts.dropLast(), entry: "", create: false)
        return try? parent?.openDirectory(name)
    }

    private func makeSymlink(_ entry: TarEntry, target: [UInt8], in parent: DirectoryHandle, name: [UInt8]) throws(PodError) {
        try clearSlot(parent, name)
        let path = parent.child(name)
        // The target is stored as it is, pointing anywhere: it is never followed here, and
        // in a container it resolves inside the container's root.
        _ = try DirectoryHandle.withName(target) { (targetPointer) throws(PodError) -> Int32 in
            try DirectoryHandle.withName(name) { (namePointer) throws(PodError) -> Int32 in
                try syscall("symlinkat", path: path) { symlinkat(targetPointer, parent.raw, namePointer) }
            }
        }
        try finishNode(entry, in: parent, name: name, changeMode: false)
    }

    private func makeHardlink(_ entry: TarEntry, target: [UInt8], in parent: DirectoryHandle, name: [UInt8]) throws(PodError) {
        let shown = String(decoding: target, as: UTF8.self)
        let targetParts = try LayerUnpacker.components(of: target, entry: entry.displayPath, what: what)
        guard let targetName = targetParts.last else {
            throw LayerUnpacker.refusal(what, entry.displayPath, "it is a hard link to the layer root")
        }
        let missing = LayerUnpacker.refusal(what, entry.displayPath, "its hard link target \"\(shown)\" is not in the layer (a link must come after its target, in the same layer)")
        let targetParent: DirectoryHandle
        do throws(PodError) {
            targetParent = try resolveParent(targetParts.dropLast(), entry: entry.displayPath, create: false)
        } catch {
            throw error.errno == ENOENT ? missing : error
        }
        guard let targetInfo = try targetParent.status(targetName) else { throw missing }
        if (targetInfo.st_mode & S_IFMT) == S_IFDIR {
            throw LayerUnpacker.refusal(what, entry.displayPath, "its hard link target \"\(shown)\" is a directory")
        }
        if let existing = try parent.status(name), existing.st_ino == targetInfo.st_ino, existing.st_dev == targetInfo.st_dev {
            return  // already the same file (a link to itself, or a repeated entry)
        }
        try clearSlot(parent, name)
        let path = parent.child(name)
        // Flags 0: a link to a symlink links the symlink itself, never what it points to.
        _ = try DirectoryHandle.withName(targetName) { (targetPointer) throws(PodError) -> Int32 in
            try DirectoryHandle.withName(name) { (namePointer) throws(PodError) -> Int32 in
                try syscall("linkat", path: path) { linkat(targetParent.raw, targetPointer, parent.raw, namePointer, 0) }
            }
        }
    }

    private func makeNode(_ entry: TarEntry, _ type: mode_t, _ device: dev_t, in parent: DirectoryHandle, name: [UInt8]) throws(PodError) {
        if type != S_IFIFO && !privileged {
            throw PodError(.unsupported, "\(what): entry \"\(entry.displayPath)\" is a device node; creating it needs root")
        }
        try clearSlot(parent, name)
        let path = parent.child(name)
        _ = try DirectoryHandle.withName(name) { (pointer) throws(PodError) -> Int32 in
            try syscall("mknodat", path: path) { mknodat(parent.raw, pointer, type | (entry.permissions & 0o777), device) }
        }
        try finishNode(entry, in: parent, name: name, changeMode: true)
    }

    /// Owner, mode, xattrs and times of an entry that cannot be opened (symlinks,
    /// devices, fifos): all by name relative to the parent, never following it.
    func finishNode(_ entry: TarEntry, in parent: DirectoryHandle, name: [UInt8], changeMode: Bool) throws(PodError) {
        let path = parent.child(name)
        try DirectoryHandle.withName(name) { (pointer) throws(PodError) in
            try setOwner(entry) { (uid, gid) throws(PodError) in
                try syscall("fchownat", path: path) { fchownat(parent.raw, pointer, uid, gid, AT_SYMLINK_NOFOLLOW) }
            }
            // The node was just made here and nothing else writes this tree, so this
            // fchmodat (which has no no-follow flag for non-symlinks) acts on it.
            if changeMode { try syscall("fchmodat", path: path) { fchmodat(parent.raw, pointer, entry.permissions, 0) } }
            // lsetxattr through the parent's /proc/self/fd link: the parent is the
            // directory we resolved, and the last component is not followed.
            if !entry.xattrs.isEmpty {
                try DirectoryHandle.withName(Array("/proc/self/fd/\(parent.raw)/".utf8) + name) { (procPath) throws(PodError) in
                    try setXattrs(entry, path: path) { lsetxattr(procPath, $0, $1, $2, 0) }
                }
            }
            var times = LayerUnpacker.times(entry)
            try syscall("utimensat", path: path) { utimensat(parent.raw, pointer, &times, AT_SYMLINK_NOFOLLOW) }
        }
    }

    func setOwner(_ entry: TarEntry, _ change: (uid_t, gid_t) throws(PodError) -> Void) throws(PodError) {
        guard privileged else { return }
        guard let uid = uid_t(exactly: entry.uid), let gid = gid_t(exactly: entry.gid), uid != uid_t.max, gid != gid_t.max else {
            throw LayerUnpacker.refusal(what, entry.displayPath, "its owner \(entry.uid):\(entry.gid) is not a valid uid:gid")
        }
        try change(uid, gid)
    }

    private func setXattrs(_ entry: TarEntry, path: String, _ set: (String, UnsafeRawPointer?, Int) -> Int32) throws(PodError) {
        for (name, value) in entry.xattrs where keepsXattr(name) {
            let result = value.withUnsafeBytes { set(name, $0.baseAddress, $0.count) }
            if result != 0 {
                throw PodError(.system, "\(what): cannot set the xattr \(name) of entry \"\(entry.displayPath)\"",
                               cause: .system(call: "setxattr", errno: errno, path: path))
            }
        }
    }

    /// overlayfs reads `trusted.overlay.*` (and `user.overlay.*` with userxattr) of its
    /// layers: redirect and metacopy could make a file show another layer's content. A
    /// layer never gets to set them; opaque directories come only from `.wh..wh..opq`.
    private func keepsXattr(_ name: String) -> Bool {
        if name.hasPrefix("trusted.overlay.") || name.hasPrefix("user.overlay.") { return false }
        if !privileged && (name.hasPrefix("trusted.") || name.hasPrefix("security.")) { return false }
        return true
    }

    static func times(_ entry: TarEntry) -> [timespec] {
        let omit = timespec(tv_sec: 0, tv_nsec: podshim_UTIME_OMIT)
        guard let modified = entry.modified else { return [omit, omit] }
        return [entry.accessed ?? modified, modified]
    }

    /// makedev(3) for Linux's 32-bit dev_t split (sys/sysmacros.h), a macro Swift cannot import.
    private func device(_ major: UInt32, _ minor: UInt32) -> dev_t {
        let high = (UInt64(major & 0xffff_f000) << 32) | (UInt64(major & 0xfff) << 8)
        let low = (UInt64(minor & 0xffff_ff00) << 12) | UInt64(minor & 0xff)
        return dev_t(high | low)
    }
}
