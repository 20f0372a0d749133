import Foundation
import Glibc

/// The table on standard output, and docs/benchmarks.md (the generated part between the
/// podbench markers; the text around it is kept) with docs/benchmarks.svg.
struct Report {
    let bench: Bench
    static let begin = "<!-- podbench:begin (written by podbench; edit outside these markers) -->"
    static let end = "<!-- podbench:end -->"
    static let header = ["figure", "unit", "podctl min / median / max", "Podman min / median / max", "podctl/Podman", "target", "met"]
    static let criHeader = ["figure", "unit", "podctl-cri min / median / max", "containerd min / median / max", "podctl-cri/containerd", "target", "met"]

    static let rootlessHeader = ["figure", "unit", "podctl min / median / max", "rootless Podman min / median / max", "podctl/Podman", "target", "met"]

    var criRows: [[String]] { bench.criOrder.compactMap { bench.criFigures[$0]?.row } }
    var rootlessRows: [[String]] { bench.rootlessOrder.compactMap { bench.rootlessFigures[$0]?.row } }

    func write() throws {
        let rows = bench.order.compactMap { bench.figures[$0]?.row }
        if !rows.isEmpty { say("\n" + Self.text([Self.header] + rows)) }
        if !criRows.isEmpty { say("\n" + Self.text([Self.criHeader] + criRows)) }
        if !rootlessRows.isEmpty { say("\n" + Self.text([Self.rootlessHeader] + rootlessRows) + "\n\n" + Self.text(rootlessRoleTable())) }
        for note in bench.notes { say("note: \(note)") }
        guard let docs = bench.options.docs else { return }
        try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
        try plot().write(toFile: docs + "/benchmarks.svg", atomically: true, encoding: .utf8)
        let path = docs + "/benchmarks.md"
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# Benchmarks\n\n\(Self.begin)\n\(Self.end)\n"
        guard let from = existing.range(of: Self.begin), let to = existing.range(of: Self.end) else {
            throw BenchError("\(path) lacks the podbench markers; add \(Self.begin) and \(Self.end) where the run goes")
        }
        let generated = Self.begin + "\n" + markdown(rows) + Self.end
        try (String(existing[..<from.lowerBound]) + generated + String(existing[to.upperBound...])).write(toFile: path, atomically: true, encoding: .utf8)
        say("podbench: wrote \(path) and \(docs)/benchmarks.svg")
    }

    static func text(_ rows: [[String]]) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func markdownTable(_ rows: [[String]]) -> String {
        rows.enumerated().map { index, row in
            "| " + row.joined(separator: " | ") + " |" + (index == 0 ? "\n|" + String(repeating: "---|", count: row.count) : "")
        }.joined(separator: "\n") + "\n"
    }

    func machine() -> [String] {
        let cpu = (ProcFS.read("/proc/cpuinfo") ?? "").split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "?"
        let memory = (ProcFS.read("/proc/meminfo") ?? "").split(separator: "\n").first?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) } ?? 0
        var names = utsname()
        uname(&names)
        let kernel = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let load = ProcFS.read("/proc/loadavg")?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        let formatter = ISO8601DateFormatter()
        return [
            "- date: \(formatter.string(from: bench.started)) (took \(Int(Date().timeIntervalSince(bench.started))) s)",
            "- machine: \(cpu), \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs, \(Int(memory / 1024 / 1024)) GiB, Linux \(kernel)",
            "- load average (1, 5, 15 min) at the start: \(bench.loadStart), at the end: \(load) (other builds share the 2 cores; both systems ran interleaved in the same load)",
            "- \(bench.podctl.version()) (release build); \(bench.podman.version())",
            "- runs: \(bench.options.runs) lifecycle cycles with \(bench.options.execRuns) execs each, \(bench.options.memoryPods) pods for memory, \(bench.options.scale) for scale, \(bench.options.logRuns) log runs of \(bench.options.logLines) lines"
                + (bench.options.phases.contains("rootless") ? ", \(bench.options.rootlessPods) pods of each system for rootless memory" : ""),
        ]
    }

    func markdown(_ rows: [[String]]) -> String {
        var text = "## The last run\n\n" + machine().joined(separator: "\n") + "\n\n" + Self.markdownTable([Self.header] + rows)
        text += "\n![scale runs](benchmarks.svg)\n\n"
        if !criRows.isEmpty {
            text += "### CRI: podctl-cri against containerd, the same crictl calls\n\n"
            text += "- \(bench.criVersions.joined(separator: "; ")); \(bench.options.runs) runs, interleaved\n\n"
            text += Self.markdownTable([Self.criHeader] + criRows) + "\n"
        }
        if !rootlessRows.isEmpty {
            text += "### Rootless: podctl against rootless Podman, as one ordinary user\n\n"
            text += "- \(bench.options.runs) runs, interleaved; memory at 1 and \(bench.options.rootlessPods) pods of each system side by side\n\n"
            text += Self.markdownTable([Self.rootlessHeader] + rootlessRows) + "\n"
            text += Self.markdownTable(rootlessRoleTable()) + "\n"
        }
        if !bench.memoryRoles.isEmpty {
            text += "### Memory at 1 pod, by process\n\n"
            var table = [["system", "process", "count", "RSS MiB each", "PSS MiB each", "private dirty MiB each"]]
            for system in bench.memoryRoles.keys.sorted() {
                for (role, memory) in bench.memoryRoles[system]!.sorted(by: { $0.key < $1.key }) {
                    let n = Double(bench.memoryCounts[system]?[role] ?? 1)
                    table.append([system, role, "\(Int(n))", Figure.format(memory.rss / 1024 / n), Figure.format(memory.pss / 1024 / n), Figure.format(memory.privateDirty / 1024 / n)])
                }
            }
            text += Self.markdownTable(table)
        }
        if !bench.supervisorDirty.isEmpty {
            text += "\n### pod-supervisor's private dirty memory by mapping (KiB)\n\n"
            text += Self.markdownTable([["mapping", "KiB"]] + bench.supervisorDirty.prefix(12).map { [$0.0, Figure.format($0.1)] })
        }
        if !bench.notes.isEmpty { text += "\n" + bench.notes.map { "- \($0)" }.joined(separator: "\n") + "\n" }
        return text
    }

    /// The rootless phase's counted processes at each memory checkpoint, by role.
    func rootlessRoleTable() -> [[String]] {
        var table = [["pods", "system", "process", "kind", "count", "RSS MiB each", "PSS MiB each", "PSS MiB in all"]]
        for (pods, roles) in bench.rootlessRoles {
            for (role, entry) in roles.sorted(by: { ($0.key.system, $0.key.role) < ($1.key.system, $1.key.role) }) {
                let n = Double(entry.count)
                table.append(["\(pods)", role.system, role.role, role.kind.rawValue, "\(entry.count)", Figure.format(entry.memory.rss / 1024 / n),
                              Figure.format(entry.memory.pss / 1024 / n), Figure.format(entry.memory.pss / 1024)])
            }
        }
        return table
    }

    func plot() -> String {
        let colors = ["podctl": "#1f77b4", "Podman": "#d62728"]
        let seconds = bench.scaleSeconds.keys.sorted().map { name in
            Plot.Series(name: name, color: colors[name] ?? "black", points: bench.scaleSeconds[name]!.enumerated().map { (Double($0 + 1), $1) })
        }
        let memory = bench.scaleMemory.keys.sorted().map { name in
            Plot.Series(name: name, color: colors[name] ?? "black", points: bench.scaleMemory[name]!.map { (Double($0.0), $0.1) })
        }
        return Plot.render(seconds: seconds, mebibytes: memory, pods: bench.options.scale)
    }
}
