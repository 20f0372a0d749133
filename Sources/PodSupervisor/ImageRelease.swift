import Glibc

/// Unmaps the pages of the supervisor's own program file that start-up touched and the
/// steady loop does not use, without giving up a byte the process wrote. The supervisor is
/// one static executable (D57): decoding the run plan and starting the sandbox run code
/// from all over it, and every file page it touched (plus the kernel's fault-around, 64
/// KiB per fault) stays mapped, counted in its RSS and, while it is the only pod, wholly in
/// its PSS (about 6 MiB measured, docs/benchmarks.md "Memory at 1 pod, by process").
///
/// madvise(2) MADV_DONTNEED on a private file mapping drops the page table entries; the
/// next access maps the same page from the page cache again (a minor fault, no I/O while
/// the page is cached), so only what the loop uses comes back. That is exact only for a
/// mapping none of whose pages were copied on write: a relocated read-only segment
/// (RELRO) or written data would be replaced by the file's original bytes. So a mapping is
/// released only when it is not writable and smaps(5) says it holds no anonymous page.
enum ImageRelease {
    /// Seconds after the start notice: the first container starts, their first status
    /// writes and exec plans run code the steady loop does not; released earlier, it
    /// faults straight back in.
    static let delay = 0.25

    /// One mapping of /proc/self/smaps: where it is, whether it may be released.
    struct Mapping: Equatable {
        var start: UInt
        var end: UInt
        var writable: Bool
        var path: String
        var anonymousKiB: Int
    }

    static func ownFileMappings() {
        guard let own = executablePath(), let text = readSmaps() else { return }
        for mapping in releasable(parse(text), executable: own) {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            _ = madvise(start, Int(mapping.end - mapping.start), MADV_DONTNEED)
        }
    }

    /// The executable's own mappings that hold only clean file pages.
    static func releasable(_ mappings: [Mapping], executable: String) -> [Mapping] {
        mappings.filter { $0.path == executable && !$0.writable && $0.anonymousKiB == 0 && $0.end > $0.start }
    }

    /// smaps(5): a header line per mapping ("start-end perms offset dev inode path"), then
    /// "Key: value kB" lines. A mapping whose Anonymous line is missing counts as holding
    /// anonymous pages (never released).
    static func parse(_ text: String) -> [Mapping] {
        var mappings: [Mapping] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("Anonymous:") {
                let value = line.dropFirst("Anonymous:".count).split(separator: " ").first.flatMap { Int($0) }
                if !mappings.isEmpty, let value { mappings[mappings.count - 1].anonymousKiB = value }
                continue
            }
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, let dash = fields[0].firstIndex(of: "-"),
                  let start = UInt(fields[0][..<dash], radix: 16), let end = UInt(fields[0][fields[0].index(after: dash)...], radix: 16)
            else { continue }
            let path = fields.count == 6 ? String(fields[5].drop(while: { $0 == " " })) : ""
            mappings.append(Mapping(start: start, end: end, writable: fields[1].contains("w"), path: path, anonymousKiB: Int.max))
        }
        return mappings
    }

    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink("/proc/self/exe", &buffer, 4096)
        guard count > 0 else { return nil }
        buffer[count] = 0
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// /proc/self/smaps of a static supervisor is a few dozen mappings: 256 KiB bounds it.
    private static func readSmaps() -> String? {
        let fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while bytes.count < 256 * 1024 {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            bytes += chunk[0..<got]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
