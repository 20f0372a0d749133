import Foundation
import Glibc

/// The rootless phase's ordinary user: a system account with one range of 65536
/// subordinate IDs in /etc/subuid and /etc/subgid (as Tests/PodctlTests' RootlessPodTests
/// makes one), its home under the work directory and its runtime directory on the
/// holder's tmpfs over /run (as /run/user/UID is a tmpfs), so neither system's state of
/// the user touches the machine's. Made by the phase (or reused after a run that was
/// killed before it could remove it) and removed with everything of it at the phase's end.
final class BenchUser {
    static let name = "podbenchrl"
    /// Above this machine's accounts, Debian's ranges and the test accounts' ranges
    /// (RootlessPodTests: from 1 000 000 000, at most 5000 × 8 ranges of 65536).
    static let firstSubordinate: UInt64 = 3_800_000_000
    static let subordinateCount: UInt64 = 65_536

    let uid: uid_t
    let gid: gid_t
    /// Whether this phase made the account (then it removes it) or found it.
    let created: Bool
    /// Whether this phase added the subordinate range (then it takes it out again).
    let addedRange: Bool
    let directory: String
    let runtime: String
    /// Boot time in clock ticks when the phase began: a process of the user that started
    /// later is one the phase started, and only those are ever killed.
    let since: UInt64
    var home: String { directory + "/home" }
    var data: String { home + "/.local/share" }
    var config: String { home + "/.config" }

    init(directory: String, runtimeBase: String) throws {
        since = Self.ticksSinceBoot()
        let made = getpwnam(Self.name) == nil
        if made { try Self.root(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", Self.name]) }
        guard let entry = getpwnam(Self.name) else { throw BenchError("useradd made no \(Self.name)") }
        uid = entry.pointee.pw_uid
        gid = entry.pointee.pw_gid
        created = made
        self.directory = directory
        runtime = runtimeBase + "/\(uid)"
        let listed = Self.hasRange(Self.name, in: ProcFS.read("/etc/subuid") ?? "") && Self.hasRange(Self.name, in: ProcFS.read("/etc/subgid") ?? "")
        addedRange = !listed
        do {
            if !listed { try Self.root(["usermod", "--add-subuids", Self.range, "--add-subgids", Self.range, Self.name]) }
            try makeDirectories(runtimeBase: runtimeBase)
        } catch {
            _ = tearDown()
            throw error
        }
    }

    static var range: String { "\(firstSubordinate)-\(firstSubordinate + subordinateCount - 1)" }

    private func makeDirectories(runtimeBase: String) throws {
        // The work directory is root's (0700): the user may pass through it, not list it.
        let work = (directory as NSString).deletingLastPathComponent
        for (path, mode) in [(work, 0o711), (directory, 0o711), (runtimeBase, 0o711)] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            chmod(path, mode_t(mode))
        }
        for path in [home, data, config, runtime] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard chown(path, uid, gid) == 0, chmod(path, 0o700) == 0 else { throw BenchError("chown/chmod \(path): errno \(errno)") }
        }
        for path in [home + "/.local", config] { chown(path, uid, gid) }
    }

    /// The user's own environment, as a login gives it (the runtime directory as
    /// pam_systemd's /run/user/UID).
    var environment: [String: String] {
        ["HOME": home, "USER": Self.name, "LOGNAME": Self.name, "PATH": "/usr/local/bin:/usr/bin:/bin",
         "XDG_DATA_HOME": data, "XDG_CONFIG_HOME": config, "XDG_RUNTIME_DIR": runtime]
    }

    /// The words that run a program as the user (both systems pay this one exec alike).
    var asUser: [String] { ["setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--init-groups"] }

    /// The user's live processes that the phase started.
    func processes() -> [pid_t] {
        ProcFS.allPIDs().filter { ProcFS.realUID($0) == uid && ProcFS.alive($0) && (ProcFS.startTime($0) ?? 0) >= since }
    }

    /// Kills what is left of the user's processes (the phase's own, by PID), unmounts
    /// whatever of the user's directories is mounted in the benchmark's mount namespace,
    /// removes the directories, the range and the account if the phase made them.
    /// Returns what could not be done; goes on past each failure.
    func tearDown() -> [String] {
        var problems: [String] = []
        let left = processes()
        let names = left.map { ProcFS.comm($0) ?? "?" }.joined(separator: ", ")
        for pid in left { kill(pid, SIGKILL) }
        let deadline = Clock.now() + 10
        while !processes().isEmpty, Clock.now() < deadline { Clock.nap(0.01) }
        if !left.isEmpty {
            problems.append("the rootless phase killed \(left.count) processes of \(Self.name) left after both systems' deletes: \(names)")
        }
        for mount in Self.mountPoints(under: [directory, runtime], in: ProcFS.read("/proc/self/mountinfo") ?? "").reversed() where umount2(mount, Int32(MNT_DETACH)) != 0 {
            problems.append("umount \(mount): errno \(errno)")
        }
        for path in [directory, runtime] where FileManager.default.fileExists(atPath: path) {
            do { try FileManager.default.removeItem(atPath: path) } catch { problems.append("remove \(path): \(error)") }
        }
        chmod((directory as NSString).deletingLastPathComponent, 0o700)
        if created {
            // userdel takes the /etc/subuid and /etc/subgid lines with it; --force because
            // this machine's PID 1 does not reap, and the user's zombies count as its processes.
            if let failed = Self.rootProblem(["userdel", "--force", Self.name]) { problems.append(failed) }
        } else if addedRange, let failed = Self.rootProblem(["usermod", "--del-subuids", Self.range, "--del-subgids", Self.range, Self.name]) {
            problems.append(failed)
        }
        return problems
    }

    /// Whether /etc/subuid or /etc/subgid text gives `name` a range (subuid(5): NAME:FIRST:COUNT).
    static func hasRange(_ name: String, in text: String) -> Bool {
        text.split(separator: "\n").contains { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            return fields.count == 3 && fields[0] == Substring(name) && (UInt64(fields[2]) ?? 0) > 0
        }
    }

    /// Mount points at or below `paths` in this process's mount namespace (mountinfo's
    /// fifth field; octal escapes as the kernel writes them, proc(5)).
    static func mountPoints(under paths: [String], in mountinfo: String) -> [String] {
        mountinfo.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            let point = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            return paths.contains { point == $0 || point.hasPrefix($0 + "/") } ? point : nil
        }
    }

    static func ticksSinceBoot() -> UInt64 {
        let seconds = Double(ProcFS.read("/proc/uptime")?.split(separator: " ").first ?? "0") ?? 0
        return UInt64(seconds * Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    static func root(_ argv: [String]) throws {
        try Spawn.check(argv, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
    }

    static func rootProblem(_ argv: [String]) -> String? {
        do { try root(argv); return nil } catch { return "\(error)" }
    }
}
