import Foundation
import Glibc
import PodCore

/// ImageFsInfo: the bytes and inodes the image store uses (blobs, unpacked layers,
/// records), as containerd reports its snapshotter's usage. Bytes are allocated blocks
/// (`st_blocks` × 512, as du counts), each inode once however many links it has; the
/// mount point is the store's directory. The walk is cached for a few seconds: the
/// kubelet asks about every four seconds at rest, and the store changes only by pulls
/// and removals.
final class ImageFilesystem: @unchecked Sendable {
    struct Usage: Equatable {
        var bytes: UInt64 = 0
        var inodes: UInt64 = 0
        /// When it was measured, in nanoseconds since the epoch (the CRI's timestamp).
        var timestamp: Int64 = 0
    }

    /// Unpacking bounds a layer's depth far below this (docs/images.md, "Bounds"); the
    /// walk still stops rather than recurse without end on a damaged store.
    static let maximumDepth = 1024

    let directory: String
    let maximumAge: TimeInterval
    private let lock = NSLock()
    private var cached: (at: Date, usage: Usage)?

    init(directory: String, maximumAge: TimeInterval = 5) {
        self.directory = directory
        self.maximumAge = maximumAge
    }

    func usage() throws(PodError) -> Usage {
        if let cached = lock.withLock({ self.cached }), Date().timeIntervalSince(cached.at) < maximumAge { return cached.usage }
        var walk = Walk()
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 || errno != ENOENT { try walk.directory(fd, path: directory) }  // no store yet: nothing used
        var usage = Usage(bytes: walk.bytes, inodes: walk.inodes)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        usage.timestamp = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        lock.withLock { cached = (Date(), usage) }
        return usage
    }

    /// Forget the measure (after a pull or a removal, which change it).
    func invalidate() { lock.withLock { cached = nil } }

    /// A walk by directory descriptors (openat, fstatat without following links), so a
    /// link inside a layer never leads out of the store.
    private struct Walk {
        var bytes: UInt64 = 0
        var inodes: UInt64 = 0
        var seen: Set<[UInt64]> = []

        mutating func count(_ info: stat) {
            if info.st_nlink > 1 {
                guard seen.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else { return }
            }
            inodes += 1
            bytes += UInt64(max(0, info.st_blocks)) * 512
        }

        /// `fd` is the opened directory (negative: opening failed with errno), closed here.
        mutating func directory(_ fd: Int32, path: String, depth: Int = 0) throws(PodError) {
            if fd >= 0 && depth > ImageFilesystem.maximumDepth {
                close(fd)
                throw PodError(.system, "the image store is nested deeper than \(ImageFilesystem.maximumDepth) directories at \(path)")
            }
            if fd < 0 {
                throw PodError(.system, "cannot read the image store directory \(path)", cause: .system(call: "openat", errno: errno, path: path))
            }
            guard let stream = fdopendir(fd) else {
                close(fd)
                throw PodError(.system, "cannot list \(path)", cause: .system(call: "fdopendir", errno: errno, path: path))
            }
            defer { closedir(stream) }
            var info = stat()
            if fstat(fd, &info) == 0 { count(info) }
            while let entry = readdir(stream) {
                // The name's bytes as they are: layer file names need not be UTF-8.
                let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) + [0] }
                if name == [46, 0] || name == [46, 46, 0] { continue }
                info = stat()
                let isDirectory = name.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { fstatat(fd, $0.baseAddress!, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFDIR }
                }
                if isDirectory {
                    let child = String(decoding: name.dropLast(), as: UTF8.self)
                    let opened = name.withUnsafeBufferPointer { buffer in buffer.withMemoryRebound(to: CChar.self) { openat(fd, $0.baseAddress!, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) } }
                    if opened < 0 && errno == ENOENT { continue }  // removed by a concurrent rmi
                    try directory(opened, path: path + "/" + child, depth: depth + 1)
                } else if info.st_ino != 0 {
                    count(info)
                }
            }
        }
    }
}
