import CPodShim
import Glibc
import PodCore

/// Durable writes made visible at once and durable a little later, together (D78).
///
/// While a thread holds a `DeferredSync` (from `begin`), AtomicFile's durable writes on that
/// thread still write a temporary file and rename it into place, so every reader sees the
/// old file or the new one, never a mix; only their fsyncs (the file's and its directory's)
/// wait for `sync`. `podctl apply` begins one before it writes a pod's records and syncs it
/// right after it spawned the supervisor, so the journal commits overlap the supervisor's
/// start instead of preceding it, and apply still returns only after every record is on
/// disk. A crash of podctl in between leaves the renamed files whole in the page cache,
/// which the kernel writes back as usual; a machine crash in between kills the pod too
/// (docs/state.md, "Crashes").
///
/// Per thread (pthread_getspecific(3)): podctl-cri serves requests on several threads, and
/// one request's collector must not take another's writes. So `begin` and `sync` belong in
/// one synchronous stretch of code (apply's command, `create`), never split by an `await`.
public final class DeferredSync: @unchecked Sendable {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private var files: [String] = []
    private var directories: [String] = []
    private var collecting: Bool
    /// The collector this one was begun inside, whose pending files its `sync` makes durable.
    private let outer: DeferredSync?
    /// Files fsynced by `sync` (tests).
    public private(set) var syncedFiles = 0

    private init(collecting: Bool, outer: DeferredSync? = nil) {
        self.collecting = collecting
        self.outer = outer
    }

    /// The collector of the calling thread, if one was begun and not yet synced.
    static var current: DeferredSync? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<DeferredSync>.fromOpaque(raw).takeUnretainedValue()
    }

    /// Starts collecting this thread's durable writes. Inside another collector (the apply
    /// command's, around every pod's create) the new one collects nothing of its own: its
    /// `sync` makes what the outer one collected so far durable (the leases apply reserved
    /// before the pods, then this pod's records), and the outer one's `sync` ends it all.
    public static func begin() -> DeferredSync {
        if let current { return DeferredSync(collecting: false, outer: current) }
        let collector = DeferredSync(collecting: true)
        pthread_setspecific(key, Unmanaged.passRetained(collector).toOpaque())
        return collector
    }

    /// A file renamed into place whose fsync (and its directory's) waits for `sync`.
    func record(_ path: String) {
        files.append(path)
        let directory = Files.dirname(of: path)
        if !directories.contains(directory) { directories.append(directory) }
    }

    /// Ends the collection and makes every collected file durable (inside another collector:
    /// the outer one's files so far, and the collection goes on): the writeback of all of
    /// them is started first (sync_file_range, as AtomicFile's grouped write does), then each
    /// file and each directory is fsynced once. A file removed since its rename (a pod
    /// deleted on a failed apply) is skipped; other failures are collected and the first is
    /// thrown after every file was tried. Calling it again does nothing.
    public func sync() throws(PodError) {
        if let outer {
            if outer.collecting { try outer.flush() }
            return
        }
        guard collecting else { return }
        collecting = false
        pthread_setspecific(Self.key, nil)
        Unmanaged.passUnretained(self).release()
        try flush()
    }

    /// Makes every file collected so far durable and forgets them; collecting goes on.
    private func flush() throws(PodError) {
        var failure: PodError?
        var opened: [FileDescriptor] = []
        for path in files {
            do { opened.append(try FileDescriptor.open(path, O_RDONLY)) } catch {
                if error.errno == ENOENT { continue }
                failure = failure ?? error
            }
        }
        for file in opened { _ = podshim_start_writeback(file.raw) }
        for file in opened {
            do { try file.sync(); syncedFiles += 1 } catch { failure = failure ?? error }
        }
        for directory in directories {
            do { try AtomicFile.syncDirectory(directory) } catch {
                if error.errno == ENOENT { continue }
                failure = failure ?? error
            }
        }
        files = []
        directories = []
        if let failure { throw failure }
    }
}
