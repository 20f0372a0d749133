import Foundation
import Glibc
import PodCore
import Synchronization

/// Set by Ctrl-C or SIGTERM during `apply --watch`: the watch ends after the apply under
/// way (a half-applied pod is worse than a late exit), with exit 0 as kubectl's watches.
let manifestWatchStopped = Atomic<Bool>(false)

/// Waits for a change to the manifests given with -f, with inotify. Directories are
/// watched, never a file's inode: editors save by writing a temporary file and renaming
/// it over the old one (vim, VS Code), which a watch on the old inode never sees.
struct ManifestWatcher: ~Copyable {
    private let descriptor: Int32
    /// Each watched directory, with the names in it that matter (nil: every manifest name).
    private let watched: [Int32: Set<String>?]
    private static let events = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)
    /// How long the files must stay quiet before a change is reported: one save is often
    /// several events (write, rename, chmod), and saving several files should apply once.
    private static let debounceMilliseconds: Int32 = 100

    init(_ paths: [String]) throws(PodError) {
        let descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { throw PodError(.system, "cannot watch the manifests", cause: .system(call: "inotify_init1", errno: errno, path: nil)) }
        var byDirectory: [String: Set<String>?] = [:]
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                byDirectory[path] = .some(nil)
            } else {
                let url = URL(fileURLWithPath: path)
                let directory = url.deletingLastPathComponent().path
                if case .some(.some(let names)) = byDirectory[directory] {
                    byDirectory[directory] = names.union([url.lastPathComponent])
                } else if byDirectory[directory] == nil {
                    byDirectory[directory] = [url.lastPathComponent]
                }
            }
        }
        var watched: [Int32: Set<String>?] = [:]
        for (directory, names) in byDirectory {
            let wd = inotify_add_watch(descriptor, directory, Self.events)
            guard wd >= 0 else {
                close(descriptor)
                throw PodError(.system, "cannot watch \(directory)", cause: .system(call: "inotify_add_watch", errno: errno, path: directory))
            }
            watched[wd] = names
        }
        // Set last: a struct with a deinit must not throw once it is whole.
        self.descriptor = descriptor
        self.watched = watched
    }

    deinit { close(descriptor) }

    /// Returns true after a change to a watched manifest and ~100 ms of quiet; false when
    /// the watch was stopped.
    func waitForChange() -> Bool {
        var changed = false
        while !manifestWatchStopped.load(ordering: .relaxed) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            // Not forever when idle: a signal between the flag's check and poll is seen late, not never.
            let ready = poll(&poller, 1, changed ? Self.debounceMilliseconds : 500)
            if ready < 0 { continue }  // EINTR: the loop looks at the stop flag
            if ready == 0 {
                if changed { return true }  // quiet after a change
                continue
            }
            if readEvents() { changed = true }
        }
        return false
    }

    /// Reads the pending events; true if one names a watched manifest. Names are only
    /// compared, never opened: the apply reads the files again by their -f paths.
    private func readEvents() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return false }
        var relevant = false
        var offset = 0
        let header = MemoryLayout<inotify_event>.size
        while offset + header <= count {
            let (wd, length) = buffer.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: offset, as: Int32.self), Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
            }
            let end = min(offset + header + length, count)
            let name = String(decoding: buffer[(offset + header)..<end].prefix { $0 != 0 }, as: UTF8.self)
            if let names = watched[wd], Self.matters(name, names) { relevant = true }
            offset = end
        }
        return relevant
    }

    private static func matters(_ name: String, _ names: Set<String>?) -> Bool {
        if let names { return names.contains(name) }
        return [".yaml", ".yml", ".json"].contains(where: name.hasSuffix) && !name.hasPrefix(".")
    }

    /// Ctrl-C and SIGTERM set the stop flag instead of killing the process mid-apply;
    /// they are unblocked first (a test runner's children inherit them blocked).
    static func catchStopSignals() {
        Interruptible.unblockStopSignals()
        signal(SIGINT) { _ in manifestWatchStopped.store(true, ordering: .relaxed) }
        signal(SIGTERM) { _ in manifestWatchStopped.store(true, ordering: .relaxed) }
    }
}
