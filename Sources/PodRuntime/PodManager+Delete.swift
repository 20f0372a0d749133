import Foundation
import Glibc
import PodCore
import PodModel
import PodOS
import PodPlan
import PodStore

extension PodManager {
    /// Deletes a pod: a graceful stop through its supervisor (SIGTERM, the grace period,
    /// then SIGKILL), then every process left in the pod's cgroups and namespaces is
    /// killed, and all state goes, the lock file last. Returns warnings (cgroups left for
    /// the next apply or delete to reclaim).
    @discardableResult
    public func delete(_ key: PodKey, grace: Double?) throws(PodError) -> [String] {
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        guard Files.exists(paths.manifest) || Files.exists(paths.runDirectory) else {
            throw PodError(.notFound, "pods \"\(key.name)\" not found in namespace \(key.namespace)")
        }
        // The pod's state is gone whatever happens to its names; a names file left behind
        // is a warning. Before the user network goes: a user's pod-dns runs inside it (D69).
        var warnings = try stopAndRemove(key, paths: paths, grace: grace) { [self] ended in
            do {
                if let plan = ended.plan {
                    try dropPodNames(key, address: plan.network.map { $0.hostNetwork ? nil : $0.podIP ?? ended.status?.podIP } ?? nil)
                } else {
                    try syncPodNames()
                }
                return []
            } catch {
                return ["pod names (docs/network.md, \"Names\") not updated: \(error)"]
            }
        }
        if let warning = releaseUserNetworkIfUnused() { warnings.append(warning) }
        return warnings
    }

    /// Stops whatever runs of the pod and removes its state; errors are collected. The
    /// cgroups go first: on v1 only the freezer stops a fork bomb, and the state goes
    /// only once they are gone or recorded as leftovers. Once every process is gone the
    /// network is given back on a thread of its own while the state is removed and
    /// `meanwhile` runs (D79); both finish before this returns. Returns the warnings.
    @discardableResult
    func stopAndRemove(_ key: PodKey, paths: PodPaths, grace: Double?, meanwhile: (EndedProcesses) -> [String] = { _ in [] }) throws(PodError) -> [String] {
        let ended = try endProcesses(paths, grace: grace, removingState: true)
        let release = ended.network
        let network = ConcurrentWork { [self] in releaseNetwork(key, release).map { [$0] } ?? [] }
        let rangeError = releaseUserNamespace(key)
        var stateError: PodError?
        do { try store.removeState(key) } catch { stateError = error }
        let later = meanwhile(ended)
        let networkError = network.finish().first
        if let error = stateError ?? networkError ?? rangeError { throw error }
        return ended.warnings + later
    }

    /// Ends every process of the pod: its supervisor's stop within `grace`, then what is
    /// left in its cgroups and network namespace. Returns the warnings (a damaged run plan,
    /// whose cgroups were found through the pause, and cgroups left) and how its network
    /// is to be given back, decided from the plan and status read before the stop.
    /// `removingState`: the pod's state goes right after (delete, a pod made anew).
    func endProcesses(_ paths: PodPaths, grace: Double?, removingState: Bool = false) throws(PodError) -> EndedProcesses {
        let status = try? readStatus(paths)
        let plan = Result { () throws(PodError) in try RunPlan.readIfPresent(from: paths.runPlan) }
        var warnings: [String] = []
        // Held from before the stop, which ends the pause they are found through, to the
        // last kill, and no longer: the function's scope closes the namespace.
        let namespace = holdNetworkNamespace(status)
        let cgroups = podCgroupLayout(plan, status: status)
        stopSupervisor(status, paths: paths, grace: grace, deleting: removingState)
        if let damage = cgroups.damage { warnings.append(damage.message) }
        if let warning = try destroyCgroups(cgroups.layout) { warnings.append(warning) }
        killLeftovers(namespace)
        let read = try? plan.get()
        return EndedProcesses(warnings: warnings, network: .decide(plan: read ?? nil, planReadable: read != nil, status: status),
                              plan: read ?? nil, status: status)
    }

    /// The control socket first; SIGTERM (with the grace period in a file) if it does not
    /// answer; SIGKILL when it has not finished 10 s after the grace period. With a
    /// damaged status record the supervisor is found by its command line.
    /// `deleting`: the state goes after the stop, so the supervisor need not make its
    /// last status durable.
    private func stopSupervisor(_ status: PodStatusRecord?, paths: PodPaths, grace: Double?, deleting: Bool) {
        guard let pid = status.map(\.supervisorPID) ?? runningSupervisor(paths), supervisorAlive(pid: pid) else { return }
        if (try? SupervisorClient(path: paths.controlSocket).send(ControlRequest(op: .stop, grace: grace, deleting: deleting ? true : nil)))?.ok != true {
            if let grace { try? AtomicFile.write(String(grace), to: paths.gracePeriod) }
            kill(pid, SIGTERM)
        }
        let limit = (grace ?? 30) + 10
        if !waitForExit(pid, seconds: limit, { !self.supervisorAlive(pid: pid) }) {
            kill(pid, SIGKILL)
        }
    }

    /// Waits until `gone` holds: woken by the process's exit on a pidfd when one can be
    /// opened (ProcessExit), else by polling every 5 ms. `gone` is the truth either way: a
    /// pidfd opened just after the PID was reused names another process, so its word is
    /// checked, and the poll goes on until the deadline if `gone` still fails.
    func waitForExit(_ pid: pid_t, seconds: Double, _ gone: () -> Bool) -> Bool {
        let deadline = monotonicSeconds() + seconds
        if gone() { return true }
        if ProcessExit.wait(pid, seconds: seconds) == true, gone() { return true }
        return waitUntil(seconds: max(0, deadline - monotonicSeconds()), gone)
    }

    /// The supervisor of the pod, found by the plan it was started with (its one argument).
    func runningSupervisor(_ paths: PodPaths) -> pid_t? {
        let entries = (try? Files.list("/proc")) ?? []
        return entries.compactMap { pid_t($0) }.first { pid in
            guard let command = try? Files.readText("/proc/\(pid)/cmdline") else { return false }
            let words = command.split(separator: "\0").map(String.init)
            return words.count == 2 && words[0].hasSuffix("pod-supervisor") && words[1] == paths.runPlan
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

    /// Every pod with state, with what is known of it. A pod whose state files do not
    /// decode is left out here; `listing` names it.
    public func list(namespace: String?) throws(PodError) -> [PodView] {
        try listing(namespace: namespace).views
    }

    /// Every pod with state: the readable ones, and the damaged ones with their error.
    /// One damaged pod never hides the others.
    public func listing(namespace: String?) throws(PodError) -> PodListing {
        var listing = PodListing()
        for key in try store.podKeys() where namespace == nil || key.namespace == namespace {
            do {
                if let view = try view(key) { listing.views.append(view) }
            } catch where error.code == .corruptState {
                let paths = PodPaths(store: store, key: key)
                let file = (try? store.read(Pod.self, from: paths.manifest)) == nil ? paths.manifest : paths.status
                listing.damaged.append(DamagedPod(key: key, file: file, error: error))
            }
        }
        return listing
    }

    public func view(_ key: PodKey) throws(PodError) -> PodView? {
        let paths = PodPaths(store: store, key: key)
        guard let manifest = try store.read(Pod.self, from: paths.manifest) else { return nil }
        let status = try readStatus(paths)
        // A pod waiting to be created (D58) has no process, and is not Unknown for that.
        let alive = supervisorAlive(status) || isWaitingToCreate(paths)
        return PodView(key: key, manifest: manifest, status: withPullEvents(status, paths), supervisorAlive: alive, paths: paths)
    }
}

/// What ending a pod's processes leaves for the rest of its removal.
struct EndedProcesses {
    var warnings: [String]
    var network: NetworkRelease
    /// The run plan and status as read before the stop (nil: absent or damaged).
    var plan: RunPlan?
    var status: PodStatusRecord?
}

public struct PodListing: Sendable {
    public var views: [PodView] = []
    public var damaged: [DamagedPod] = []
}

/// A pod whose manifest.json or status.json does not decode.
public struct DamagedPod: Sendable {
    public let key: PodKey
    /// The state file that does not decode.
    public let file: String
    public let error: PodError

    /// The STATUS column: which file is damaged, as `StateDamaged:status.json`.
    public var displayStatus: String { "StateDamaged:" + Files.basename(of: file) }
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
