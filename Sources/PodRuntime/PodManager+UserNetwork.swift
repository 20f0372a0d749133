import Foundation
import Glibc
import PodCore
import PodExec
import PodLaunch
import PodOS

/// A non-root user's network (#18 item 4, D65, docs/rootless.md): one holder per user
/// (`pod-helper user-network`) owns a user namespace and a network namespace in which the
/// user's pods have their bridge, with pasta for outbound traffic. Started by the first
/// apply, stopped by the delete of the user's last pod. `user-network.lock` is held by the
/// holder for its life and names, in its content, the PID whose namespaces pods join.
/// `user-network.start.lock` serializes starting and stopping: an apply holds it from
/// finding the holder until its pod is written down, so a delete of the last other pod
/// cannot stop the holder under it.
extension PodManager {
    var userNetworkDirectory: String { store.roots.runRoot + "/network" }
    var userNetworkLock: String { userNetworkDirectory + "/user-network.lock" }
    var userNetworkLog: String { userNetworkDirectory + "/user-network.log" }

    /// Takes the start lock (30 s at most); the caller unlocks it.
    func lockUserNetwork() throws(PodError) -> FileLock {
        try Files.makeDirectories(userNetworkDirectory)
        guard let lock = try FileLock.acquire(userNetworkDirectory + "/user-network.start.lock", wait: .upTo(seconds: 30)) else {
            throw PodError(.conflict, "another podctl holds \(userNetworkDirectory)/user-network.start.lock")
        }
        return lock
    }

    /// The PID whose user and network namespaces the user's pods join: the running
    /// holder's, or a new one's. Call with the start lock held.
    func ensureUserNetwork(_ mapping: RootlessMapping) throws(PodError) -> Int32 {
        if let running = runningUserNetwork() { return running }
        let binaries = try Binaries.locate()
        let pasta = try Self.pastaPath()
        let report = try makePipe()
        defer { close(report.read) }
        let log = try syscall("open", path: userNetworkLog) { open(userNetworkLog, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
        let null = try syscall("open", path: "/dev/null") { open("/dev/null", O_RDONLY | O_CLOEXEC) }
        let arguments = ["user-network", userNetworkLock, userNetworkDirectory + "/pasta.pid", pasta, "--uidmap"] + mapping.uidMapper
            + ["--gidmap"] + mapping.gidMapper
        let spawned = Result { () throws(PodError) in
            try spawnProcess(binaries.helper, arguments: arguments, descriptors: [(null, 0), (log, 1), (log, 2), (report.write, HelperDescriptors.report)],
                             newSession: true)
        }
        close(log)
        close(null)
        close(report.write)
        let pid = try spawned.get()
        // The holder closes its report once pasta is up (10 s at most), or fails.
        let reports = HelperReport.parseAll(readToEnd(report.read, limit: 1 << 16))
        var raw: Int32 = 0
        _ = waitpid(pid, &raw, WNOHANG)  // reaps it if it failed
        for report in reports {
            switch report {
            case let .started(holder): return holder
            case .rootFilesystem: continue  // a container start's only
            case let .failed(failure):
                throw PodError(.system, "the user's pod network could not start: \(failure.message)\(logTail())")
            }
        }
        throw PodError(.system, "the user's pod network could not start: pod-helper user-network reported nothing\(logTail())")
    }

    /// The holder's namespace PID, if a holder runs: the lock's holder is its parent.
    func runningUserNetwork() -> Int32? {
        guard let parent = FileLock.holder(of: userNetworkLock),
              let text = try? String(contentsOfFile: userNetworkLock, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0,
              Self.parentPID(of: pid) == parent else { return nil }
        return pid
    }

    /// Stops the holder when the user has no pod left (its namespaces, bridge, nftables
    /// and pasta go with it). Call with the start lock held.
    @discardableResult
    func stopUserNetworkIfUnused() throws(PodError) -> Bool {
        guard try store.podKeys().isEmpty, let holder = FileLock.holder(of: userNetworkLock) else { return false }
        // A pod-dns left in the user network would keep its namespaces (D69).
        stopResponder()
        kill(holder, SIGTERM)
        if !waitUntil(seconds: 5, { FileLock.holder(of: self.userNetworkLock) == nil }) {
            kill(holder, SIGKILL)
            _ = waitUntil(seconds: 2, { FileLock.holder(of: self.userNetworkLock) == nil })
        }
        for file in [userNetworkLock, userNetworkLog, userNetworkDirectory + "/pasta.pid"] { unlink(file) }
        return true
    }

    /// The parent of `pid` (/proc/PID/stat's fourth field, after the command's closing
    /// parenthesis: the command may hold any byte).
    static func parentPID(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// After a delete or a failed apply of a non-root user's pod: the user network goes
    /// with the user's last pod. Returns a warning instead of throwing.
    func releaseUserNetworkIfUnused() -> String? {
        guard geteuid() != 0 else { return nil }
        do {
            let lock = try lockUserNetwork()
            // Gone with the network: nothing of it stays in the run root.
            guard try stopUserNetworkIfUnused() else {
                lock.unlock()
                return nil
            }
            lock.unlockAndRemove()
            return nil
        } catch {
            return "the user's pod network (docs/rootless.md) not stopped: \(error)"
        }
    }

    /// pasta, from Debian's passt package, in the usual places.
    static func pastaPath() throws(PodError) -> String {
        for directory in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin"] where access(directory + "/pasta", X_OK) == 0 {
            return directory + "/pasta"
        }
        throw PodError(.notFound, "a non-root user's pods need pasta for their network: install the passt package (apt-get install passt; deploy/deps.sh does)")
    }

    /// The last lines of the holder's log (pasta's messages), for an error.
    private func logTail() -> String {
        guard let text = try? String(contentsOfFile: userNetworkLog, encoding: .utf8) else { return "" }
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("Failed to send") }.suffix(5)
        return lines.isEmpty ? "" : " (\(userNetworkLog): \(lines.joined(separator: "; ")))"
    }
}
