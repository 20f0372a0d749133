import Glibc
import PodDNS
import PodOS

/// The names file, read again when it changed: podctl replaces it by rename, so a new
/// inode (or size or mtime) means new content. One stat per query costs ~1 µs, and a pod
/// applied a moment ago is found by the very next query.
struct NameFile {
    let path: String
    var table = PodNameTable()
    var seen: (ino_t, off_t, Int, Int)?

    func exists() -> Bool { access(path, F_OK) == 0 }

    mutating func current() -> PodNameTable {
        var info = stat()
        guard stat(path, &info) == 0 else {
            table = PodNameTable()
            seen = nil
            return table
        }
        let stamp = (info.st_ino, info.st_size, info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
        if let seen, seen == stamp { return table }
        seen = stamp
        table = PodNameTable(parsing: (try? Files.readText(path)) ?? "")
        return table
    }
}
