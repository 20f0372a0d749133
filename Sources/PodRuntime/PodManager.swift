import Foundation
import CPodShim
import Glibc
import PodCore
import PodModel
import PodOS
import PodLaunch
import PodPlan
import PodStore
import PodSupervisor

/// What the CLI does to pods: apply, delete, read status. Every change holds the pod's
/// lock; state is written atomically; a failed create leaves nothing behind.
public final class PodManager: @unchecked Sendable {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    public enum ApplyOutcome: String, Sendable {
        case created, configured, unchanged
    }

    /// Applies one pod of a validated manifest set.
    /// `peers`: the other pods of the same apply by name, with their addresses, for /etc/hosts.
    /// `configMaps`, `secrets`: those of the apply; the stored ones of the pod's namespace
    /// are used too (ConfigStore), and win (apply stores its objects before its pods).
    public func apply(_ pod: Pod, configMaps given: [ConfigMap], secrets givenSecrets: [Secret], peers: [String: String] = [:]) throws(PodError) -> ApplyOutcome {
        let key = try PodKey(namespace: pod.namespace, name: pod.name)
        if geteuid() != 0, let refusal = RootlessPod.refusal(pod) { throw refusal }
        try Self.preflight(pod)
        try store.prepare()
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        let (configMaps, secrets) = try configObjects(namespace: pod.namespace, configMaps: given, secrets: givenSecrets)
        var outcome = ApplyOutcome.created
        if let existing = try store.read(Pod.self, from: paths.manifest) {
            if waitsUnchanged(pod, configMaps: configMaps, secrets: secrets, paths: paths) { return .unchanged }
            // A waiting pod applied again unchanged is tried again (D58), as a kubelet retries.
            if isWaitingToCreate(paths) && existing == pod {
                _ = try retryWaitingLocked(key, paths: paths)
                return .unchanged
            }
            try refreshProjectionsIfUnchanged(pod, existing: existing, key: key, paths: paths, configMaps: configMaps, secrets: secrets)
            let alive = supervisorAlive(try readStatus(paths)) && !isWaitingForImages(paths)
            let old = existing.specHashes
            let new = pod.specHashes
            // A pod that completed stays as it ended, as an unchanged apply leaves it.
            let completed = (try? readStatus(paths))?.completed == true
            if (alive || completed) && old == new && existing.metadata == pod.metadata { return .unchanged }
            // A container whose config is missing cannot be restarted in place: the pod is
            // made anew and waits (D58).
            let waits = CreateWaits.configWaits(pod, configMaps: Self.byName(configMaps), secrets: Self.byName(secrets))
            if alive && old.sandbox == new.sandbox && waits.isEmpty {
                try updateInPlace(pod, key: key, paths: paths, configMaps: configMaps, secrets: secrets)
                return .configured
            }
            // A changed sandbox (or a pod whose supervisor died) is made anew.
            try stopAndRemove(key, paths: paths, grace: nil)
            outcome = .configured
        }
        do {
            try create(pod, key: key, paths: paths, configMaps: configMaps, secrets: secrets, peers: peers)
        } catch {
            _ = try? stopAndRemove(key, paths: paths, grace: 0)
            // pod-dns may have been started for this pod alone (D67).
            _ = try? syncPodNames()
            _ = releaseUserNetworkIfUnused()
            throw error
        }
        return outcome
    }

    /// Every check of apply that needs no side effect (no lock, pull, lease or state):
    /// apply runs it first, `apply --dry-run` runs only it, so both refuse the same pods
    /// with the same message.
    public static func preflight(_ pod: Pod, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PodError) {
        _ = try RunPlanner.checkResources(pod, environment: environment)
    }

    /// Same sandbox, other containers (or only labels and annotations): the new manifest and
    /// plan are written and the supervisor restarts the changed containers in place.
    private func updateInPlace(_ pod: Pod, key: PodKey, paths: PodPaths, configMaps: [ConfigMap], secrets: [Secret]) throws(PodError) {
        if let failure = try pullImages(pod, key: key).first {
            throw PodError(.invalidArgument, "pod \(key) container \"\(failure.container)\": \(failure.reason): \(failure.message); the running pod was left as it was")
        }
        let binaries = try Binaries.locate()
        let previous = try RunPlan.readIfPresent(from: paths.runPlan)
        var planner = RunPlanner(pod: pod, key: key, store: store, binaries: binaries, configMaps: configMaps, secrets: secrets, uid: previous?.uid ?? UUID().uuidString.lowercased())
        planner.network = previous?.network
        planner.idMap = previous?.idMap
        planner.clusterNameserver = previous?.network?.hostNetwork == false ? clusterNameserver(for: pod) : nil
        var plan = try planner.plan()
        // The running pod's cgroups stay where its first apply put them (or it has none), and
        // its roots are mounted as they were.
        if let previous, let mapping = previous.rootless {
            RootlessPod.adapt(&plan, mapping: mapping, cgroups: previous.cgroups?.layout, notice: previous.limitsNotEnforced,
                              overlay: previous.rootlessOverlay ?? RootlessOverlay())
        }
        try store.write([(pod, paths.manifest), (plan, paths.runPlan)])
        let reply = try SupervisorClient(path: paths.controlSocket).send(ControlRequest(op: .reload))
        guard reply.ok else { throw PodError(.system, "the pod's supervisor refused the update: \(reply.message)") }
    }

    /// `sandbox`: a CRI sandbox's own settings (PodManager+Sandbox.swift); nil for apply.
    func create(_ pod: Pod, key: PodKey, paths: PodPaths, configMaps given: [ConfigMap], secrets givenSecrets: [Secret], peers: [String: String], pulled: Bool = false, sandbox: SandboxOptions? = nil) throws(PodError) {
        // The pod's records are renamed into place as they are made and fsynced together
        // once the supervisor is spawned, while it starts (D78); every way out syncs them.
        let durability = DeferredSync.begin()
        defer { try? durability.sync() }
        let (configMaps, secrets) = try configObjects(namespace: pod.namespace, configMaps: given, secrets: givenSecrets)
        let failures = pulled ? [] : try pullImages(pod, key: key)
        guard failures.isEmpty else {
            let pending = PendingPull(pod: pod, configMaps: configMaps, secrets: secrets, peers: peers)
            return try startPullBackOff(pending, key: key, paths: paths, failures: failures)
        }
        let binaries = try Binaries.locate()
        var planner = RunPlanner(pod: pod, key: key, store: store, binaries: binaries, configMaps: configMaps, secrets: secrets, uid: UUID().uuidString.lowercased())
        let waits = createWaits(pod, planner: planner, configMaps: configMaps, secrets: secrets)
        guard waits.isEmpty else {
            return try startWaiting(PendingCreate(pod: pod, peers: peers), waits: waits, key: key, paths: paths)
        }
        try leaveWaiting(paths)
        var rootless = geteuid() == 0 ? nil : try RootlessPod.mapping(uid: geteuid(), gid: getegid())
        let overlay = rootless == nil ? nil : try RootlessPod.overlay(setting: ProcessInfo.processInfo.environment["PODCTL_ROOTLESS_OVERLAY"])
        if let warning = rootless?.warning { FileHandle.standardError.write(Data(("Warning: " + warning + "\n").utf8)) }
        // A non-root user's pod joins the user's network (D65), held until its state is
        // written, so a concurrent delete of the user's last other pod cannot stop it.
        let userNetwork = rootless == nil ? nil : try lockUserNetwork()
        defer { userNetwork?.unlock() }
        if let mapping = rootless?.0 { rootless?.0.userNetworkPID = try ensureUserNetwork(mapping) }
        planner.network = try networkPlan(for: pod, key: key, sandboxPorts: sandbox?.ports ?? [])
        planner.network?.userNetworkPID = rootless?.0.userNetworkPID
        planner.clusterNameserver = clusterNameserver(for: pod)
        if let idMap = sandbox?.idMap {
            planner.idMap = idMap
        } else if pod.spec?.hostUsers == false {
            planner.idMap = try UserNamespaceRanges(root: store.roots.root, pool: try UserNamespaceRanges.configuredPool()).allocate(for: key)
        }
        planner.peers = peers.filter { $0.key != key.name && $0.value != planner.network?.podIP }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        var plan = try planner.plan()
        if let rootless, let overlay {
            let place = RootlessPod.place(RootlessPod.cgroups(environment: ProcessInfo.processInfo.environment), uid: plan.uid)
            RootlessPod.adapt(&plan, mapping: rootless.0, cgroups: place.cgroups, notice: place.notice, overlay: overlay)
            if let notice = place.notice, RootlessPod.hasResources(pod) {
                FileHandle.standardError.write(Data(("Warning: pod \(key): its resources are not enforced: " + notice + "\n").utf8))
            }
        }
        if sandbox != nil { plan.kubeletRestarts = true }
        try store.write([(pod, paths.manifest), (plan, paths.runPlan)])
        // pod-dns, if this pod needs it and none runs, starts beside the sandbox (D67).
        let responder = rootless == nil ? launchResponderEarly(pod) : nil
        userNetwork?.unlock()
        do throws(PodError) {
            let supervisor = try spawnSupervisor(binaries.supervisor, plan: paths.runPlan, log: paths.supervisorLog)
            do throws(PodError) { try durability.sync() } catch {
                close(supervisor.notice)
                throw error
            }
            try waitForSandbox(paths, supervisor: supervisor)
        } catch {
            // The caller removes the pod, then its names step stops the responder if no
            // other pod needs it (apply, runSandbox), or keeps the failed pod listed.
            if let responder { _ = try? awaitResponder(responder) }
            throw error
        }
        // Other pods find this one by name from now on (docs/network.md, "Names"); a
        // non-root user's pods by the user's pod-dns, in the user network (D69). The
        // sandbox's pod-network made the bridge before the start notice, unless on the
        // host's network.
        try syncPodNames(bridgeReady: plan.network.map { !$0.hostNetwork } ?? false, early: responder)
    }

    /// The status reason of a sandbox that lost a hostPort race to another pod.
    static let hostPortConflict = NetworkReply.hostPortConflict

    /// The error of a sandbox the supervisor could not make. A lost hostPort race is the
    /// conflict apply reports when it finds the port taken first: exit code 1, not 2.
    static func sandboxFailure(_ status: PodStatusRecord, log: String) -> PodError {
        let message = status.message ?? "the pod sandbox could not be created (see \(log))"
        return PodError(status.reason == hostPortConflict ? .alreadyExists : .system, message)
    }

    public func readStatus(_ paths: PodPaths) throws(PodError) -> PodStatusRecord? {
        try store.read(PodStatusRecord.self, from: paths.status)
    }

    /// True when the pod's supervisor process is alive.
    public func supervisorAlive(_ status: PodStatusRecord?) -> Bool {
        supervisorAlive(pid: status?.supervisorPID ?? 0)
    }

    public func supervisorAlive(pid: pid_t) -> Bool {
        guard pid > 0 else { return false }
        guard let command = try? Files.readText("/proc/\(pid)/cmdline") else { return false }
        // podctl's pull-backoff stands in for the supervisor of a pod waiting for images (D31).
        return command.contains("pod-supervisor") || command.contains("\0" + PullBackOff.command + "\0")
    }
}
