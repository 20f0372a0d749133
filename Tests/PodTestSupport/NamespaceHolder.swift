import CPodShim
import Foundation
import Glibc

/// A `sleep` holding fresh namespaces (`unshare FLAGS sleep infinity`), so tests make
/// links, mounts and rules there and never in the machine's own. Started with default
/// signal handling and an empty mask, whatever this process blocks; killed by its PID
/// and reaped on `stop` or when the value goes.
public final class NamespaceHolder: @unchecked Sendable {
    public let pid: pid_t
    private var stopped = false

    /// With `inside`, the namespaces are made within that holder's network and mount
    /// namespaces (`nsenter -t PID -n -m`; nsenter execs unshare, which execs sleep, so
    /// one PID throughout).
    public init(_ flags: [String] = ["--net"], inside target: pid_t? = nil) throws {
        let enter = target.map { ["/usr/bin/nsenter", "-t", String($0), "-n", "-m", "--"] } ?? []
        let outside = Self.namespace("net", of: target ?? getpid())
        pid = try Self.spawn(enter + ["/usr/bin/unshare"] + flags + ["sleep", "infinity"])
        try waitUntil("namespace holder \(pid) to start", timeout: 10) {
            Self.namespace("net", of: pid) != outside && (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "sleep\n"
        }
    }

    public func stop() {
        if stopped { return }
        stopped = true
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    deinit { stop() }

    /// Inode of a namespace of a process, e.g. `net:[4026532327]`.
    public static func namespace(_ kind: String, of pid: pid_t) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/\(kind)")
    }

    /// Starts `arguments` (a full path first) with no descriptor but 0-2 inherited, for a
    /// long-lived helper process of a test (a server in a namespace); the caller kills
    /// and reaps it. Foundation's Process is not used: its wait hung in these tests.
    public static func spawn(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        _ = podshim_spawn_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard status == 0 else { throw HarnessError("posix_spawn \(arguments[0]): errno \(status)") }
        return pid
    }
}
