import Foundation
import Glibc
import PodLogs
import PodTestSupport
import Testing

@Suite struct ThroughputTests {
    /// 50 MB of 100-byte lines in 64 KiB reads (a pipe's worth), through rotation;
    /// every line must come back, in order. Prints the rate; asserts none (debug builds
    /// are many times slower than release: see docs/logs.md for release figures).
    @Test func fiftyMegabytesOfShortLinesAllArrive() throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let lineCount = 500_000
        var data = [UInt8]()
        data.reserveCapacity(lineCount * 100)
        for index in 0..<lineCount {
            let number = Array(String(index).utf8)
            data += number
            data += [UInt8](repeating: UInt8(ascii: "."), count: 99 - number.count)
            data.append(10)
        }
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0, maxFileBytes: 16 << 20, maxFiles: 8)
        let start = Date()
        let cpuStart = threadCPUSeconds()
        try data.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + 65536)
                try writer.append(UnsafeRawBufferPointer(rebasing: all[offset..<end]), stream: .stdout)
                offset = end
            }
        }
        try writer.close()
        let seconds = Date().timeIntervalSince(start)
        let cpu = threadCPUSeconds() - cpuStart
        print(String(format: "PodLogs writer: %.0f MB in %.3f s (%.3f s CPU on the writing thread) = %.0f MB/s of 100-byte lines",
                     Double(data.count) / 1e6, seconds, cpu, Double(data.count) / 1e6 / seconds))

        let reader = ContainerLogReader(directory: dir.path, pod: "p", container: "c")
        var expected = 0
        var wrong = 0
        let readStart = Date()
        try reader.read { line in
            let digits = line.bytes.prefix { $0 != UInt8(ascii: ".") }
            if line.bytes.count != 100 || Int(String(decoding: digits, as: UTF8.self)) != expected { wrong += 1 }
            expected += 1
            return true
        }
        print(String(format: "PodLogs reader: %d lines in %.3f s", expected, Date().timeIntervalSince(readStart)))
        #expect(expected == lineCount)
        #expect(wrong == 0)
        #expect(try reader.files(restart: 0).count > 1)
    }
}

/// CPU time of the calling thread: the writer works synchronously on it, and other
/// tests running in parallel do not count.
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
