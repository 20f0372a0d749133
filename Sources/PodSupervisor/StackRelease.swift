import Glibc

/// Gives the kernel back the pages of the main thread's stack that start-up touched and
/// the steady loop does not use. A supervisor lives as long as its pod, and every page
/// its stack ever reached stays private and dirty (the kernel never shrinks a stack by
/// itself): start-up (decoding the run plan, spawning the sandbox and the containers)
/// reaches about 50 KiB, the poll loop a fraction of it (docs/benchmarks.md, "Memory").
/// madvise(2) MADV_DONTNEED on the part below the current frame drops those pages; a
/// later deeper call faults in fresh zero pages, as for any stack growth.
enum StackRelease {
    /// Room left below this frame for the calls it still makes (madvise's wrapper, well
    /// under a page) and the x86_64 ABI's 128-byte red zone.
    static let margin = 4 * 1024

    static func belowCurrentFrame() {
        guard let low = stackMappingStart() else { return }
        var marker: UInt8 = 0
        let frame = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let high = (frame - UInt(margin)) & ~(page - 1)
        guard high > low, let start = UnsafeMutableRawPointer(bitPattern: low) else { return }
        _ = madvise(start, Int(high - low), MADV_DONTNEED)
    }

    /// The start of the `[stack]` mapping in /proc/self/maps (proc(5)); nil if unreadable,
    /// and then nothing is released.
    private static func stackMappingStart() -> UInt? {
        guard let file = fopen("/proc/self/maps", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            guard text.hasSuffix("[stack]\n"), let dash = text.firstIndex(of: "-") else { continue }
            return UInt(text[..<dash], radix: 16)
        }
        return nil
    }
}
