import Glibc
import PodCore
import PodOS

/// Size-based rotation of one restart's log. When the current file is full it becomes
/// `.1`, `.1` becomes `.2` and so on; the copy that would pass `maxFiles - 1` is deleted,
/// so at most `maxFiles` files exist, the current one included — the meaning of the
/// kubelet's `containerLogMaxFiles`. Unlike the kubelet, rotated copies are not
/// compressed: they are at most a few tens of MiB and stay readable by `podctl logs`.
///
/// Renames go oldest first, so at every instant the names, sorted by index, are still in
/// write order; a follower that lists the directory mid-rotation is not misled.
struct Rotation {
    let directory: String
    let restart: Int
    let maxFiles: Int
    /// A file the kubelet named (a CRI container's log_path): written as it is, never
    /// rotated here: the kubelet rotates it and asks for a reopen (ReopenContainerLog).
    var file: String? = nil

    func path(_ index: Int) -> String {
        if let file { return index == 0 ? file : file + ".\(index)" }
        let name = index == 0 ? LogFiles.currentName(restart: restart) : LogFiles.rotatedName(restart: restart, index: index)
        return "\(directory)/\(name)"
    }

    /// Moves the current file out of the way; the caller then creates a new one.
    func shift() throws(PodError) {
        let keep = maxFiles - 1
        guard keep > 0 else {
            try Files.remove(path(0))
            return
        }
        try Files.remove(path(keep))
        for index in stride(from: keep - 1, through: 1, by: -1) {
            try renameIfPresent(path(index), to: path(index + 1))
        }
        try renameIfPresent(path(0), to: path(1))
    }

    /// Deletes rotated copies past the limit, left behind when an earlier writer of
    /// this restart ran with a larger `maxFiles`.
    func pruneBeyondLimit() throws(PodError) {
        if file != nil { return }
        for name in try Files.list(directory) {
            guard let parsed = LogFiles.parse(name), parsed.restart == restart, parsed.index >= maxFiles else { continue }
            try Files.remove("\(directory)/\(name)")
        }
    }

    private func renameIfPresent(_ from: String, to: String) throws(PodError) {
        guard rename(from, to) != 0 else { return }
        let code = errno
        if code != ENOENT {
            throw PodError.system("rename", errno: code, path: from, "cannot rotate the log file \(from)")
        }
    }
}
