import Foundation
import Glibc
import PodCore
import PodRuntime
import PodStore

/// The supervisors' status files (`<run-root>/pods/NS/NAME/status.json`), decoded again
/// only when one changed: a stat per sandbox is what the kubelet's list and status calls
/// cost (ListPodSandbox and ListContainers come twice a second), not a decode per call.
/// A change is seen by inode, size and modification time (the supervisor replaces the
/// file by rename, so every write is a new inode).
final class StatusCache: @unchecked Sendable {
    private struct Stamp: Equatable {
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    private let lock = NSLock()
    private var entries: [String: (Stamp, PodStatusRecord)] = [:]
    let store: Store

    init(store: Store) { self.store = store }

    /// The status at `path`, nil when there is none (or it cannot be read).
    func status(at path: String) -> PodStatusRecord? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            lock.withLock { _ = entries.removeValue(forKey: path) }
            return nil
        }
        let stamp = Stamp(inode: UInt64(info.st_ino), size: Int64(info.st_size), seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
        if let cached = lock.withLock({ entries[path] }), cached.0 == stamp { return cached.1 }
        guard let record = try? store.read(PodStatusRecord.self, from: path) else { return nil }
        lock.withLock { entries[path] = (stamp, record) }
        return record
    }

    func forget(_ path: String) {
        lock.withLock { _ = entries.removeValue(forKey: path) }
    }
}
