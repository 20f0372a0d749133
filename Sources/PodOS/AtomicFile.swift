import CPodShim
import Glibc
import PodCore

/// Whole-file writes that a crash can never tear: the new content goes to a temporary
/// file in the same directory, is fsynced, and replaces the old file with rename(2),
/// which POSIX makes atomic. The directory is fsynced too, so the rename itself
/// survives a power cut (see the ext4 notes on `auto_da_alloc` for why both are needed).
/// A reader sees the old file or the new one, never a mix.
public enum AtomicFile {
    /// Prefix of temporary files; `sweep` removes ones that a killed writer left.
    public static let temporaryPrefix = ".tmp-"

    /// `durable` false: neither the file nor its directory is fsynced, so a power cut may
    /// leave the old file, the new one, or an empty one. Only for files that nothing reads
    /// after a reboot before podctl writes them again (the names file of pod-dns, which
    /// is rebuilt from the leases and manifests before pod-dns is started); readers still
    /// see the old file or the new one, never a mix.
    ///
    /// Under a `DeferredSync` of this thread, a durable write is renamed into place at once
    /// and fsynced (with its directory) at the collector's `sync` (D78).
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600, durable: Bool = true) throws(PodError) {
        let deferred = durable ? DeferredSync.current : nil
        let temporary = try writeTemporary(bytes, for: path, mode: mode, sync: durable && deferred == nil)
        do {
            try syscall("rename", path: path) { rename(temporary, path) }
        } catch {
            try? Files.remove(temporary)
            throw error
        }
        if let deferred {
            deferred.record(path)
        } else if durable {
            try syncDirectory(Files.dirname(of: path))
        }
    }

    /// One file of a grouped write.
    public struct Replacement: Sendable {
        public var path: String
        public var bytes: [UInt8]
        public var mode: mode_t
        public init(path: String, bytes: [UInt8], mode: mode_t = 0o600) {
            self.path = path
            self.bytes = bytes
            self.mode = mode
        }
    }

    /// Several files that change together (a pod's manifest and run plan, its /etc files):
    /// every temporary file is written first, the writeback of all of them started
    /// (sync_file_range, as git's batched fsync does), then each is fsynced, renamed in
    /// order, and each directory fsynced once after the last rename. On ext4 an fsync
    /// commits the journal, and the first one's commit carries the other files' new
    /// inodes and blocks (data=ordered), so the later fsyncs find little left to commit
    /// (docs/benchmarks.md, "Starting a CRI sandbox"). Every file is still replaced
    /// atomically and durably; a crash before the directory fsync leaves each file old or
    /// new, as a crash between two single writes does.
    public static func write(_ files: [Replacement]) throws(PodError) {
        if let deferred = DeferredSync.current { return try write(files, deferredTo: deferred) }
        var temporaries: [String] = []
        do {
            for file in files { temporaries.append(try writeTemporary(file.bytes, for: file.path, mode: file.mode, sync: false)) }
            let written = try temporaries.map { path throws(PodError) in try FileDescriptor.open(path, O_WRONLY) }
            // Every file's writeback starts before the first fsync (ext4 allocates blocks
            // late: without it each fsync allocates its own file's blocks and commits again).
            for file in written { _ = podshim_start_writeback(file.raw) }
            for file in written { try file.sync() }
            for (file, temporary) in zip(files, temporaries) {
                try syscall("rename", path: file.path) { rename(temporary, file.path) }
            }
        } catch {
            for temporary in temporaries { unlink(temporary) }
            throw error
        }
        var synced = Set<String>()
        for file in files where synced.insert(Files.dirname(of: file.path)).inserted {
            try syncDirectory(Files.dirname(of: file.path))
        }
    }

    /// The grouped write under a `DeferredSync`: every file replaced now, fsynced at its `sync`.
    private static func write(_ files: [Replacement], deferredTo deferred: DeferredSync) throws(PodError) {
        var temporaries: [String] = []
        do {
            for file in files { temporaries.append(try writeTemporary(file.bytes, for: file.path, mode: file.mode, sync: false)) }
            for (file, temporary) in zip(files, temporaries) {
                try syscall("rename", path: file.path) { rename(temporary, file.path) }
                deferred.record(file.path)
            }
        } catch {
            for temporary in temporaries { unlink(temporary) }
            throw error
        }
    }

    public static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws(PodError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// The first half of `write`: the content lands in a temporary file beside `path`.
    /// Exposed so tests can stop a write half-way, as a killed process would.
    public static func writeTemporary(_ bytes: [UInt8], for path: String, mode: mode_t, stopAfter limit: Int? = nil, sync: Bool = true) throws(PodError) -> String {
        let directory = Files.dirname(of: path)
        let temporary = "\(directory)/\(temporaryPrefix)\(Files.basename(of: path)).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let file = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        do {
            try file.writeAll(limit.map { Array(bytes.prefix($0)) } ?? bytes)
            if limit != nil { return temporary }
            try syscall("fchmod", path: temporary) { fchmod(file.raw, mode) }
            if sync { try file.sync() }
        } catch {
            try? Files.remove(temporary)
            throw error
        }
        return temporary
    }

    /// Removes temporary files of writers that died before their rename.
    /// Only files older than `minimumAge` seconds go, so a live writer is never disturbed.
    public static func sweep(directory: String, minimumAge: Int = 60) throws(PodError) {
        let now = time(nil)
        for name in try Files.list(directory) where name.hasPrefix(temporaryPrefix) {
            var info = stat()
            let path = directory + "/" + name
            if lstat(path, &info) == 0 && now - info.st_mtim.tv_sec >= minimumAge {
                try Files.remove(path)
            }
        }
    }

    static func syncDirectory(_ directory: String) throws(PodError) {
        let dir = try FileDescriptor.open(directory, O_RDONLY | O_DIRECTORY)
        try dir.sync()
    }
}
