import Foundation
import Glibc
import PodCore
import PodOS

/// The files of a configMap, secret, downwardAPI or projected volume, laid out as the kubelet's AtomicWriter
/// (pkg/volume/util/atomic_writer.go) lays them out, so a running container sees an
/// update all at once:
///
///     ..2026_12_02_15_04_05.Ab12Cd/    the payload, one directory per version
///     ..data -> ..2026_12_02_15_04_05.Ab12Cd
///     key -> ..data/key                what the container reads
///
/// An update writes a new version directory, points a new `..data_tmp` symlink at it and
/// renames that over `..data` (rename(2) is atomic), then removes the old version. A
/// `subPath` mount was bound to a file inside a version directory, so it keeps the old
/// content, as in Kubernetes. The directory is podctl's (the pod's run directory) and is
/// mounted read-only in every container, so no name in it was planted by a container.
struct AtomicProjection {
    let directory: String

    struct File: Equatable {
        let path: String
        let content: [UInt8]
        let mode: mode_t
    }

    /// Writes `files` as the volume's new version, unless they are what `..data` holds.
    /// Returns whether anything changed.
    @discardableResult
    func write(_ files: [File]) throws(PodError) -> Bool {
        try Files.makeDirectories(directory, mode: 0o755)
        chmod(directory, 0o755)
        // Validation refused these (ValidateLocalNonReservedPath); a path is joined below.
        for file in files where file.path.hasPrefix("..") || file.path.hasPrefix("/") || file.path.split(separator: "/").contains("..") {
            throw PodError(.invalidManifest, "volume path \"\(file.path)\" must be relative, without '..', and not start with '..'")
        }
        if isCurrent(files) { return false }
        let version = try makeVersionDirectory()
        for file in files {
            let path = directory + "/" + version + "/" + file.path
            try Files.makeDirectories(Files.dirname(of: path), mode: 0o755)
            try AtomicFile.write(file.content, to: path, mode: file.mode)
        }
        let temporary = directory + "/..data_tmp"
        try Files.remove(temporary)
        _ = try syscall("symlink", path: temporary) { symlink(version, temporary) }
        _ = try syscall("rename", path: directory + "/..data") { rename(temporary, directory + "/..data") }
        try linkVisibleNames(Set(files.map { Self.topLevel($0.path) }))
        for name in try Files.list(directory) where name.hasPrefix("..") && name != "..data" && name != version {
            try Files.removeTree(directory + "/" + name)
        }
        return true
    }

    /// The kubelet compares the payload with what `..data` holds before it writes.
    private func isCurrent(_ files: [File]) -> Bool {
        let data = directory + "/..data"
        guard Files.exists(data) else { return false }
        for file in files {
            var info = stat()
            guard stat(data + "/" + file.path, &info) == 0, info.st_mode & 0o7777 == file.mode,
                  (try? Files.read(data + "/" + file.path)) == file.content else { return false }
        }
        let visible = Set(files.map { Self.topLevel($0.path) })
        return ((try? Files.list(directory)) ?? []).filter { !$0.hasPrefix("..") }.allSatisfy(visible.contains)
            && visible.allSatisfy { isLinkIntoData(directory + "/" + $0) }
    }

    /// The files `..data` holds now, with their modes (paths relative to the volume).
    func currentFiles() throws(PodError) -> [File] {
        var result: [File] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let base = directory + "/..data" + (relative.isEmpty ? "" : "/" + relative)
            guard Files.isDirectory(base) else { continue }
            for name in try Files.list(base) {
                let path = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(base + "/" + name, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR { pending.append(path) }
                else if info.st_mode & S_IFMT == S_IFREG {
                    result.append(File(path: path, content: try Files.read(base + "/" + name), mode: info.st_mode & 0o7777))
                }
            }
        }
        return result
    }

    /// `..YYYY_MM_DD_HH_MM_SS.XXXXXX`, the kubelet's name for a version (UTC).
    private func makeVersionDirectory() throws(PodError) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy_MM_dd_HH_mm_ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        var template = Array((directory + "/.." + formatter.string(from: Date()) + ".XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw PodError.system("mkdtemp", errno: errno, path: directory) }
        let path = String(cString: made)
        chmod(path, 0o755)
        return Files.basename(of: path)
    }

    /// Each top-level name is a symlink into `..data`; names the new version lacks go
    /// (and a real file or directory of an older layout is replaced).
    private func linkVisibleNames(_ names: Set<String>) throws(PodError) {
        for name in try Files.list(directory) where !name.hasPrefix("..") && !(names.contains(name) && isLinkIntoData(directory + "/" + name)) {
            try Files.removeTree(directory + "/" + name)
        }
        for name in names where !Files.exists(directory + "/" + name) {
            let link = directory + "/" + name
            _ = try syscall("symlink", path: link) { symlink("..data/" + name, link) }
        }
    }

    private func isLinkIntoData(_ path: String) -> Bool {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return false }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "..data/" + Files.basename(of: path)
    }

    private static func topLevel(_ path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: true).first ?? Substring(path))
    }
}
