import Foundation
import Glibc
import PodCore
import PodModel
import PodNetwork
import PodOS
import PodPlan
import PodStore

/// What `podctl restore` did with one pod.
public enum RestoreOutcome: Equatable, Sendable {
    /// Its supervisor is alive: left as it was.
    case running(supervisor: Int32)
    /// Started again (or, with --dry-run, would be), at this address.
    case started(podIP: String?)
    /// Stays down in this phase (RestoreRules).
    case finished(phase: String)
}

extension PodManager {
    /// Brings one pod back after a reboot or a crash of podctl's processes (docs/runtime.md,
    /// "After a reboot"). Under the pod's lock, and only when no supervisor of it is
    /// alive, so two restores (or a restore and an apply) never start a pod twice. The
    /// pod's state root (manifest, plan, logs, lease) is kept; what a crash left (run
    /// files, processes, cgroups, published ports) is cleaned; RestoreRules decides
    /// whether it runs again.
    public func restore(_ key: PodKey, dryRun: Bool) throws(PodError) -> RestoreOutcome {
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        guard let manifest = try store.read(Pod.self, from: paths.manifest) else {
            throw PodError(.notFound, "pod \(key) has no manifest (\(paths.manifest)): nothing to restore; podctl delete pod \(key.name) -n \(key.namespace) removes what is left")
        }
        let current = try? readStatus(paths)
        if let pid = current?.supervisorPID, supervisorAlive(pid: pid) { return .running(supervisor: pid) }
        if let pid = runningSupervisor(paths) { return .running(supervisor: pid) }
        if isWaitingForImages(paths) { return try restartPull(key, paths: paths, dryRun: dryRun) }
        // A pod waiting for a ConfigMap, Secret, claim or user (D58): tried again.
        if isWaitingToCreate(paths) {
            if dryRun { return .started(podIP: nil) }
            return try retryWaitingLocked(key, paths: paths) ? .started(podIP: try? RunPlan.readIfPresent(from: paths.runPlan)?.network?.podIP) : .finished(phase: "Pending")
        }
        // The run root's status is the newer; after a reboot only the state root's is left.
        let record = current ?? (try? store.read(PodStatusRecord.self, from: paths.lastStatus)) ?? nil
        let logsExist = !((try? Files.list(paths.logs)) ?? []).isEmpty
        let decision = RestoreRules.decide(restartPolicy: manifest.spec?.restartPolicy ?? "Always", record: record, logsExist: logsExist, now: Clock.rfc3339())
        if dryRun {
            if case let .stayFinished(status) = decision { return .finished(phase: status.phase) }
            return .started(podIP: try? RunPlan.readIfPresent(from: paths.runPlan)?.network?.podIP)
        }
        // A cgroup still busy is the one the pod's next run would use (it is named by the
        // pod's uid): nothing starts until it is gone.
        if let busy = try cleanStale(key, paths: paths, status: current).first {
            throw PodError(.system, "pod \(key) was not restored: \(busy); run podctl restore again once they are gone")
        }
        switch decision {
        case let .stayFinished(status):
            try Files.makeDirectories(paths.runDirectory, mode: 0o700)
            try store.write(status, to: paths.status)
            try store.write(status, to: paths.lastStatus)
            return .finished(phase: status.phase)
        case let .start(carried):
            return .started(podIP: try startAgain(key, paths: paths, carried: carried))
        }
    }

    /// A pod that was waiting for its images: apply's own path again, from what it kept.
    private func restartPull(_ key: PodKey, paths: PodPaths, dryRun: Bool) throws(PodError) -> RestoreOutcome {
        guard let pending = try store.read(PendingPull.self, from: PendingPull.path(paths)) else { return .started(podIP: nil) }
        if dryRun { return .started(podIP: nil) }
        _ = try cleanStale(key, paths: paths, status: try? readStatus(paths))
        try create(pending.pod, key: key, paths: paths, configMaps: pending.configMaps, secrets: pending.secrets, peers: pending.peers)
        return .started(podIP: try? readStatus(paths)?.podIP)
    }

    /// Starts the pod's stored plan again (its env, volumes, uid and user namespace block
    /// as apply decided them), at its previous address if it is free.
    private func startAgain(_ key: PodKey, paths: PodPaths, carried: RestoredState) throws(PodError) -> String? {
        guard var plan = try RunPlan.readIfPresent(from: paths.runPlan) else {
            throw PodError(.notFound, "pod \(key) has no run plan (\(paths.runPlan)) and cannot be started again; apply its manifest again")
        }
        try prepareRunDirectories(paths)
        try restoreProjections(plan, key: key, paths: paths)
        try checkProjections(plan, key: key, paths: paths)
        if var network = plan.network, !network.hostNetwork {
            let pool = PodNetwork(config: try networkConfig)
            let address = try pool.ipam.allocate(for: key, preferring: network.podIP.flatMap { IPv4Address($0) })
            network.podIP = address.description
            plan.network = network
        }
        plan.restored = carried
        // A non-root user's pod joins the user network running now (a reboot or a crash
        // ended the one its plan names), started here if none runs (D65).
        let userNetwork = plan.rootless == nil ? nil : try lockUserNetwork()
        defer { userNetwork?.unlock() }
        if let mapping = plan.rootless {
            let holder = try ensureUserNetwork(mapping)
            plan.rootless?.userNetworkPID = holder
            plan.network?.userNetworkPID = holder
        }
        try store.write(plan, to: paths.runPlan)
        userNetwork?.unlock()
        let supervisor = try spawnSupervisor(try Binaries.locate().supervisor, plan: paths.runPlan, log: paths.supervisorLog)
        do { try waitForSandbox(paths, supervisor: supervisor) } catch {
            throw PodError(error.code, "pod \(key) could not be started again: \(error.message); its state and logs are kept: podctl delete and apply it, or run podctl restore again", cause: error.cause)
        }
        return plan.network?.podIP
    }

    /// configMap, secret, downwardAPI and projected volumes are written at apply into the
    /// run root (tmpfs), which a reboot empties: they are written again from the stored
    /// ConfigMaps and Secrets (D5) and the manifest, as the kubelet mounts them again
    /// for a pod it restarts. One whose object is gone is not restored, and says which.
    private func restoreProjections(_ plan: RunPlan, key: PodKey, paths: PodPaths) throws(PodError) {
        guard let pod = try store.read(Pod.self, from: paths.manifest),
              (pod.spec?.volumes ?? []).contains(where: { $0.configMap != nil || $0.secret != nil || $0.downwardAPI != nil || $0.projected != nil })
        else { return }
        let (configMaps, secrets) = try configObjects(namespace: key.namespace, configMaps: [], secrets: [])
        if let missing = CreateWaits.configWaits(pod, configMaps: Self.byName(configMaps), secrets: Self.byName(secrets)).failedMounts.first {
            throw PodError(.notFound, "pod \(key) was not restored: \(missing); store it again (podctl apply or podctl create), then run podctl restore")
        }
        let planner = RunPlanner(pod: pod, key: key, store: store, binaries: try Binaries.locate(), configMaps: configMaps, secrets: secrets, uid: plan.uid)
        try planner.refreshProjections()
    }

    /// What a restore could not write again is named, never mounted empty.
    private func checkProjections(_ plan: RunPlan, key: PodKey, paths: PodPaths) throws(PodError) {
        let tmpfs = Set(plan.sandboxMounts.map(\.target))
        for container in plan.allContainers {
            for mount in container.mounts where mount.source.hasPrefix(paths.memoryVolumes + "/") && !tmpfs.contains(mount.source) {
                guard Files.exists(mount.source) else {
                    throw PodError(.notFound, "pod \(key) container \"\(container.name)\": the files of its configMap, secret, downwardAPI or projected volume (\(mount.source)) were in the run root and are gone; apply the pod again")
                }
            }
        }
    }

    /// The run-root directories apply made (RunPlanner.prepareDirectories), as it made them.
    private func prepareRunDirectories(_ paths: PodPaths) throws(PodError) {
        for directory in [paths.runDirectory, paths.shm, paths.memoryVolumes] {
            try Files.makeDirectories(directory, mode: 0o700)
        }
        chmod(paths.runDirectory, 0o711)
        chmod(paths.memoryVolumes, 0o711)
        chmod(paths.shm, 0o1777)
    }
}
