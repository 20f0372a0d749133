import Foundation
import Glibc

extension Bench {
    static let logRate = "log throughput: payload into the CRI log"
    static let logCPU = "log: logger CPU per MB"

    /// A container `cat`s numbered 100-byte lines to stdout as fast as it can; the time runs
    /// from the benchmark's write to its FIFO until the last line's F record is in the log.
    func logs() throws {
        let lines = options.logLines
        let megabytes = Double(lines) * 100 / 1e6
        for run in 0..<options.logRuns {
            for system in systems(run) {
                let file = try manifest("logs-\(system.name)", Manifests.logPod("logs", lines: lines))
                try system.apply(file: file)
                try system.waitRunning(pods: ["logs"], deadline: Clock.now() + 60)
                let writer = try system.waitWorkload(pod: "logs", container: "w", deadline: Clock.now() + 10)
                let fifo = "/proc/\(writer)/root/tmp/go"
                let ready = Clock.now() + 300
                while !FileManager.default.fileExists(atPath: fifo) {
                    guard Clock.now() < ready, ProcFS.alive(writer) else { throw BenchError("\(system.name): the log writer did not prepare its payload") }
                    Clock.nap(0.01)
                }
                let logger = try system.logger(of: "logs", container: "w")
                let current = logger.files.last!
                let cpu0 = ProcFS.cpuSeconds(logger.pid) ?? 0
                let t0 = Clock.now()
                let fd = open(fifo, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else { throw BenchError("\(system.name): open \(fifo): errno \(errno)") }
                _ = write(fd, "go\n", 3)
                close(fd)
                while !LogCheck.endsWith(line: lines, path: current) {
                    guard Clock.now() < t0 + 300 else { throw BenchError("\(system.name): the last log line never arrived") }
                    Clock.nap(0.002)
                }
                let elapsed = Clock.now() - t0
                let cpu = (ProcFS.cpuSeconds(logger.pid) ?? 0) - cpu0
                let files = try system.logger(of: "logs", container: "w").files
                let check = LogCheck.check(files: files)
                let lost = check.gaps + (lines - check.lastSeen)
                record(Self.logRate, "MB/s", .atLeast(1), system: system, megabytes / elapsed)
                record(Self.logCPU, "ms/MB", .atMost(0.5), system: system, cpu * 1000 / megabytes)
                record("log: lines lost", "lines", system: system, Double(lost))
                record("log: lines split into P records (of lines kept)", "lines", system: system, Double(check.splitLines))
                record("log: lines kept in the log files (rotation)", "lines", system: system, Double(check.lines))
                if check.malformed > 0 { notes.append("\(system.name) log run \(run + 1): \(check.malformed) malformed records") }
                say("  run \(run + 1) \(system.name): \(Figure.format(megabytes / elapsed)) MB/s, \(Figure.format(cpu * 1000 / megabytes)) ms CPU/MB, \(lost) lost, \(check.splitLines) split of \(check.lines) kept")
                let pids = try system.processes(of: "logs")
                try system.delete(file: file, pods: ["logs"])
                try waitGone(pids, deadline: Clock.now() + 60)
            }
        }
    }
}
