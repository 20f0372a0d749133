import Foundation
import Glibc

/// What the benchmark reads of processes in /proc.
enum ProcFS {
    /// Reads to end of file: /proc files report size 0, and a read sized by stat would
    /// stop after the first page of a long one such as smaps.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return n < 0 ? nil : String(decoding: bytes, as: UTF8.self) }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    static func comm(_ pid: pid_t) -> String? {
        read("/proc/\(pid)/comm")?.trimmingCharacters(in: .newlines)
    }

    /// Fields of /proc/PID/stat after the command name (field 3 onwards, proc(5)).
    static func statFields(_ pid: pid_t) -> [Substring]? {
        guard let text = read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// Alive and not a zombie: this machine's PID 1 does not reap, so a zombie counts as gone.
    static func alive(_ pid: pid_t) -> Bool {
        guard let fields = statFields(pid), let state = fields.first else { return false }
        return state != "Z" && state != "X"
    }

    /// The real UID (the first number of status's `Uid:` line, proc(5)).
    static func realUID(_ pid: pid_t) -> uid_t? {
        let line = (read("/proc/\(pid)/status") ?? "").split(separator: "\n").first { $0.hasPrefix("Uid:") }
        return line?.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { uid_t($0) }
    }

    /// The command line's words (NUL-separated in /proc/PID/cmdline).
    static func arguments(_ pid: pid_t) -> [String] {
        (read("/proc/\(pid)/cmdline") ?? "").split(separator: "\0").map(String.init)
    }

    static func parent(_ pid: pid_t) -> pid_t? { statFields(pid).flatMap { pid_t($0[1]) } }

    /// Start time in clock ticks since boot: with the PID it names one process for good.
    static func startTime(_ pid: pid_t) -> UInt64? { statFields(pid).flatMap { UInt64($0[19]) } }

    /// utime + stime in seconds (proc(5) fields 14 and 15).
    static func cpuSeconds(_ pid: pid_t) -> Double? {
        guard let fields = statFields(pid), let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func children(_ pid: pid_t) -> [pid_t] {
        (read("/proc/\(pid)/task/\(pid)/children") ?? "").split(separator: " ").compactMap { pid_t($0) }
    }

    static func namespace(_ kind: String, of pid: pid_t) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/\(kind)")
    }

    static func allPIDs() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
    }

    /// RSS and PSS in KiB from smaps_rollup (the kernel sums every mapping for us).
    static func memory(_ pid: pid_t) -> Memory {
        var memory = Memory()
        for line in (read("/proc/\(pid)/smaps_rollup") ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let value = Double(parts[1]) else { continue }
            switch parts[0] {
            case "Rss:": memory.rss += value
            case "Pss:": memory.pss += value
            case "Private_Dirty:": memory.privateDirty += value
            default: break
            }
        }
        return memory
    }

    /// Private dirty KiB per mapping (path, or [heap]/[anon]), largest first: where a
    /// process's own memory goes.
    static func dirtyByMapping(_ pid: pid_t) -> [(String, Double)] {
        var totals: [String: Double] = [:]
        var current = "[anon]"
        for line in (read("/proc/\(pid)/smaps") ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = parts.first, first.contains("-"), first.first?.isHexDigit == true {
                current = parts.count >= 6 ? parts[5...].joined(separator: " ") : "[anon]"
                if current.hasPrefix("/") { current = (current as NSString).lastPathComponent }
            } else if parts.first == "Private_Dirty:", parts.count >= 2, let value = Double(parts[1]) {
                totals[current, default: 0] += value
            }
        }
        return totals.filter { $0.value > 0 }.sorted { $0.value > $1.value }
    }
}

struct Memory {
    var rss = 0.0
    var pss = 0.0
    var privateDirty = 0.0

    static func + (a: Memory, b: Memory) -> Memory {
        Memory(rss: a.rss + b.rss, pss: a.pss + b.pss, privateDirty: a.privateDirty + b.privateDirty)
    }
}

/// Every process the benchmark learns of, with its start time, so the outer process can
/// kill what is left after a crash by PID, and never a process it did not start.
final class Registry: @unchecked Sendable {
    let path: String
    init(path: String) { self.path = path }

    func note(_ pids: [pid_t]) {
        guard let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) else { return }
        handle.seekToEndOfFile()
        for pid in pids { if let start = ProcFS.startTime(pid) { handle.write(Data("\(pid) \(start)\n".utf8)) } }
        handle.closeFile()
    }

    /// Kills what is still alive of the recorded processes; returns how many.
    func killLeftovers() -> Int {
        var killed = 0
        for line in (ProcFS.read(path) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let pid = pid_t(parts[0]), let start = UInt64(parts[1]) else { continue }
            if ProcFS.startTime(pid) == start, ProcFS.alive(pid) { kill(pid, SIGKILL); killed += 1 }
        }
        return killed
    }
}
