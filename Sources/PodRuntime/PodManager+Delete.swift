import Foundation
import Glibc
import PodCore
import PodModel
import PodOS
import PodStore

extension PodManager {
    /// Deletes a pod: a graceful stop through its supervisor (SIGTERM, the grace period,
    /// then SIGKILL), then every process left in the pod's namespaces is killed, and all
    /// state goes, the lock file last.
    public func delete(_ key: PodKey, grace: Double?) throws(PodError) {
        let lock = try store.lock(key)
        let paths = PodPaths(store: store, key: key)
        guard Files.exists(paths.manifest) || Files.exists(paths.runDirectory) else {
            lock.release()
            throw PodError(.notFound, "pods \"\(key.name)\" not found in namespace \(key.namespace)")
        }
        do { try stopAndRemove(key, paths: paths, grace: grace) } catch {
            lock.release()
            throw error
        }
        lock.releaseAndRemove()
    }

    /// Stops whatever runs of the pod and removes its state; errors are collected.
    func stopAndRemove(_ key: PodKey, paths: PodPaths, grace: Double?) throws(PodError) {
        let status = try? readStatus(paths)
        if let status, supervisorAlive(status) {
            // The control socket first; SIGTERM (with the grace period in a file) if it does not answer.
            if (try? SupervisorClient(path: paths.controlSocket).send(ControlRequest(op: .stop, grace: grace)))?.ok != true {
                if let grace { try? AtomicFile.write(String(grace), to: paths.gracePeriod) }
                kill(status.supervisorPID, SIGTERM)
            }
            let limit = (grace ?? 30) + 10
            if !waitUntil(seconds: limit, { !self.supervisorAlive(status) }) {
                kill(status.supervisorPID, SIGKILL)
            }
        }
        killLeftovers(status)
        let cgroupError = destroyCgroups(paths)
        let networkError = releaseNetwork(key)
        let rangeError = releaseUserNamespace(key)
        try store.removeState(key)
        if let error = networkError ?? rangeError ?? cgroupError { throw error }
    }

    /// Kills every process still in the pod's network namespace (pause, containers,
    /// execs): after a supervisor crash nothing else knows them. The namespace inode,
    /// not a PID, identifies them, so a reused PID is never hit.
    func killLeftovers(_ status: PodStatusRecord?) {
        guard let pause = status?.pausePID, pause > 0,
              let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pause)/ns/net") else { return }
        let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        guard namespace != own else { return }
        let members = { () -> [pid_t] in
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { pid_t($0) }.filter {
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\($0)/ns/net")) == namespace
            }
        }
        // Kill until none is left: a process forked while the list was read is caught on
        // the next round, and "none" must be seen twice in a row.
        var emptyRounds = 0
        _ = waitUntil(seconds: 10) {
            let pids = members()
            pids.forEach { kill($0, SIGKILL) }
            emptyRounds = pids.isEmpty ? emptyRounds + 1 : 0
            return emptyRounds >= 2
        }
    }

    func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }

    /// Every pod with state, with what is known of it.
    public func list(namespace: String?) throws(PodError) -> [PodView] {
        var views: [PodView] = []
        for key in try store.podKeys() where namespace == nil || key.namespace == namespace {
            if let view = try view(key) { views.append(view) }
        }
        return views
    }

    public func view(_ key: PodKey) throws(PodError) -> PodView? {
        let paths = PodPaths(store: store, key: key)
        guard let manifest = try store.read(Pod.self, from: paths.manifest) else { return nil }
        let status = try readStatus(paths)
        return PodView(key: key, manifest: manifest, status: withPullEvents(status, paths), supervisorAlive: supervisorAlive(status), paths: paths)
    }
}

extension PodManager {
    var userNamespaceRanges: UserNamespaceRanges {
        get throws(PodError) { UserNamespaceRanges(root: store.roots.root, pool: try UserNamespaceRanges.configuredPool()) }
    }

    /// Gives the pod's block of host IDs back; the error is returned, not thrown, so the
    /// rest of the cleanup runs.
    func releaseUserNamespace(_ key: PodKey) -> PodError? {
        do { try userNamespaceRanges.release(key) } catch { return error }
        return nil
    }
}
