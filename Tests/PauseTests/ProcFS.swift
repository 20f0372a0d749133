import Foundation
import Glibc

/// What the tests read about a process from the host's /proc.
struct ProcessEntry {
    let pid: pid_t
    let parent: pid_t
    let state: Character   // "Z" for a zombie
    let name: String

    /// Parses /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and
    /// parentheses, so fields are taken after the last ')'.
    init?(pid: pid_t) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let parent = pid_t(fields[1]) else { return nil }
        self.pid = pid
        self.parent = parent
        self.state = state
        self.name = String(stat[stat.index(after: open)..<close])
    }

    static func all() -> [ProcessEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { pid_t($0) }.compactMap { ProcessEntry(pid: $0) }
    }

    /// The PID namespace, as the target of /proc/PID/ns/pid ("pid:[inode]").
    static func pidNamespace(of pid: pid_t) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid")
    }

    /// Every process in the same PID namespace as `pid` (itself included).
    static func inNamespace(of pid: pid_t) -> [ProcessEntry] {
        guard let namespace = pidNamespace(of: pid) else { return [] }
        return all().filter { pidNamespace(of: $0.pid) == namespace }
    }

    /// Whether SIGTERM is blocked (SigBlk in /proc/PID/status): from then on a signal
    /// sent to a namespace init waits for its signalfd; before, the kernel drops a signal
    /// that an init has no handler for (pid_namespaces(7)).
    static func blocksSignals(_ pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigBlk:") }),
              let mask = UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << (SIGTERM - 1)) != 0
    }
}
