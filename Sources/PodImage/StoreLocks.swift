import Glibc
import PodCore
import PodOS

/// The two locks of the image store, both flock(2) on files that are never removed (so
/// the inode dance of `FileLock` is not needed), both dropped by the kernel when a
/// podctl dies.
///
/// - `index.lock`, exclusive: held for the short critical sections that change image
///   records and the names index, so two loads of one image never interleave writes.
/// - `gc.lock`, a readers-writer lock: every load and import holds it *shared* for its
///   whole run (many run at once); `prune` and `rm` take it *exclusive* before deleting
///   blobs and layers. Without it a prune could delete a layer that a load has just
///   unpacked (or found) and is about to record: the load needs no lock while it
///   unpacks, but the layer must not vanish under it.
///
/// flock locks belong to the open file description, so two threads of one process that
/// each open the file exclude each other just as two processes do (flock(2), NOTES).
public final class StoreLock: @unchecked Sendable {
    private let file: FileDescriptor

    private init(file: FileDescriptor) { self.file = file }

    enum Mode { case shared, exclusive }

    static func acquire(_ path: String, _ mode: Mode, waitSeconds: Double, what: String) throws(PodError) -> StoreLock {
        let file = try FileDescriptor.open(path, O_RDWR | O_CREAT, mode: 0o600)
        let operation = (mode == .shared ? LOCK_SH : LOCK_EX) | LOCK_NB
        let deadline = monotonicSeconds() + waitSeconds
        while flock(file.raw, operation) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else { throw PodError.system("flock", errno: code, path: path) }
            if monotonicSeconds() >= deadline {
                throw PodError(.conflict, "the image store is busy (\(what)): another podctl still holds \(path) after \(Int(waitSeconds))s; try again when it has finished")
            }
            usleep(2_000)
        }
        return StoreLock(file: file)
    }

    /// Closing the descriptor releases the lock.
    public func release() { _ = flock(file.raw, LOCK_UN) }
}

extension StoreLayout {
    /// Index updates are a few small file writes; a long wait means a stuck podctl.
    func lockIndex() throws(PodError) -> StoreLock {
        try prepare()
        return try StoreLock.acquire(indexLockFile, .exclusive, waitSeconds: 60, what: "updating the image index")
    }

    /// Held shared by loads and imports for their whole run.
    func lockForWriting() throws(PodError) -> StoreLock {
        try prepare()
        return try StoreLock.acquire(gcLockFile, .shared, waitSeconds: 600, what: "a prune is running")
    }

    /// Held exclusive while blobs and layers are deleted; waits for running loads.
    func lockForCollecting() throws(PodError) -> StoreLock {
        try prepare()
        return try StoreLock.acquire(gcLockFile, .exclusive, waitSeconds: 600, what: "a load or import is running")
    }
}
