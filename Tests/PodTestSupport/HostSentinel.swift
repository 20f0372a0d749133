import Foundation
import Glibc

/// A directory outside every state, image and container root that hostile-input tests aim
/// their escapes at (`mountPath: /../../<sentinel>/x`, a symlink in an image pointing at
/// it, a tar member named `../../<sentinel>/x`). A test takes a snapshot before the
/// attack and asserts after it that nothing under the sentinel changed and nothing new
/// appeared there: the host-side proof that the input stayed on its side of the line.
public final class HostSentinel: @unchecked Sendable {
    public let path: String

    /// One entry of the tree: its path relative to the sentinel, type, mode, owner, size
    /// and modification time, so a chmod, chown, write or new file all show.
    public struct Entry: Equatable, CustomStringConvertible, Sendable {
        public let relativePath: String
        public let mode: UInt32
        public let uid: UInt32
        public let gid: UInt32
        public let size: Int64
        public let modified: Int
        public var description: String { "\(relativePath) mode=\(String(mode, radix: 8)) uid=\(uid) gid=\(gid) size=\(size) mtime=\(modified)" }
    }

    public init() throws {
        var template = Array("/tmp/podctl-sentinel-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp failed for the sentinel") }
        path = String(cString: made)
        chmod(path, 0o755)
        try "untouched\n".write(toFile: path + "/canary", atomically: false, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: path + "/etc", withIntermediateDirectories: false)
        try "root:x:0:0:sentinel:/root:/bin/sh\n".write(toFile: path + "/etc/passwd", atomically: false, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The sentinel's tree, sorted; symlinks are recorded, never followed.
    public func snapshot() -> [Entry] {
        var entries: [Entry] = []
        func walk(_ relative: String) {
            let full = relative.isEmpty ? path : path + "/" + relative
            var info = stat()
            guard lstat(full, &info) == 0 else { return }
            entries.append(Entry(relativePath: relative.isEmpty ? "." : relative, mode: info.st_mode, uid: info.st_uid, gid: info.st_gid,
                                 size: Int64(info.st_size), modified: info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec))
            guard (info.st_mode & S_IFMT) == S_IFDIR else { return }
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: full)) ?? []).sorted() {
                walk(relative.isEmpty ? name : relative + "/" + name)
            }
        }
        walk("")
        return entries
    }

    /// What differs between two snapshots, one line per entry; empty when nothing changed.
    public static func differences(_ before: [Entry], _ after: [Entry]) -> [String] {
        let old = Dictionary(uniqueKeysWithValues: before.map { ($0.relativePath, $0) })
        let new = Dictionary(uniqueKeysWithValues: after.map { ($0.relativePath, $0) })
        var lines: [String] = []
        for (path, entry) in new.sorted(by: { $0.key < $1.key }) {
            if let was = old[path] {
                if was != entry { lines.append("changed: \(was) -> \(entry)") }
            } else {
                lines.append("appeared: \(entry)")
            }
        }
        for path in old.keys.sorted() where new[path] == nil { lines.append("vanished: \(path)") }
        return lines
    }

    /// A path that climbs from any directory up to `/` and down into the sentinel, as a
    /// manifest or tar member would write it to escape a root.
    public func climbing(_ relative: String) -> String {
        String(repeating: "../", count: 16) + path.dropFirst() + "/" + relative
    }
}
