import Glibc
import PodCore
import PodOS

/// Following the newest file as `tail -F` does: read to the end, and when the path
/// names another inode (the writer rotated) finish the old file through the descriptor
/// still open on it, then go on with its successor.
extension LogSession {
    /// Reads what was appended since the last call. Returns whether anything was read.
    func poll(emit: Emit) throws(PodError) -> Bool {
        guard let log = current else {
            // The restart had no file yet.
            try readChain(emit: emit)
            return current != nil
        }
        var progressed = try drain(log, emit: emit) > 0
        if stopped { return progressed }
        // Only the current file grows; a rotated copy we reached is done once drained.
        let currentPath = "\(directory)/\(LogFiles.currentName(restart: restart))"
        if log.path == currentPath, let named = FileIdentity(path: log.path), named == log.identity {
            if try size(of: log) < scanner.offset {
                // Truncated in place (copytruncate style): start over at the beginning.
                _ = lseek(log.file.raw, 0, SEEK_SET)
                scanner.reset()
                progressed = true
            }
            return progressed
        }
        // Renamed, removed or a rotated copy: what it holds is still behind our descriptor.
        progressed = try drain(log, emit: emit) > 0 || progressed
        guard !stopped, let next = try successor(of: log) else { return progressed }
        endOfFile(emit: emit)
        current = next
        scanner.reset()
        return true
    }

    /// The file written after `log`. Rotation renames oldest first, so the files sorted
    /// by index are in write order; the answer is checked by seeing `log` still at the
    /// same place after opening its successor (positions only ever move up, so that
    /// proves no rotation slipped in between). Nil while the writer has not created the
    /// next file yet.
    func successor(of log: OpenLog) throws(PodError) -> OpenLog? {
        for _ in 0..<10 {
            let paths = try LogFiles.chain(in: directory, restart: restart)
            guard let position = paths.firstIndex(where: { FileIdentity(path: $0) == log.identity }) else {
                // Rotated out of existence (maxFiles 1, or a reader too slow to keep up):
                // the oldest file left is the nearest successor there is.
                guard let oldest = paths.first else { return nil }
                if let next = try open(oldest) { return next }
                continue
            }
            guard position + 1 < paths.count else { return nil }
            guard let next = try open(paths[position + 1]) else { continue }
            if FileIdentity(path: paths[position]) == log.identity { return next }
        }
        return nil
    }

    /// The newest restart, when it is newer than the one being read.
    func newerRestart() throws(PodError) -> Int? {
        guard let newest = try LogFiles.restarts(in: directory).last, newest > restart else { return nil }
        return newest
    }

    private func size(of log: OpenLog) throws(PodError) -> Int {
        var info = stat()
        try syscall("fstat", path: log.path) { fstat(log.file.raw, &info) }
        return Int(info.st_size)
    }
}
