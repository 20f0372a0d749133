import Foundation
import PodCore
import PodModel
import PodOS
import PodStore

/// A pod created but waiting for what it references (D58): a ConfigMap, Secret or key,
/// a claim, or a user its runAsNonRoot allows. Its manifest and this record are in the
/// pod's state directory, its status (Pending, the kubelet's reasons) in the run
/// directory, and no process runs for it: the podctl command that stores the missing
/// object (apply, create) starts it, as does an apply of the pod itself.
public struct PendingCreate: Codable, Sendable {
    public var pod: Pod
    public var peers: [String: String]

    static func path(_ paths: PodPaths) -> String { paths.directory + "/pending-create.json" }
}

extension PodManager {
    func isWaitingToCreate(_ paths: PodPaths) -> Bool { Files.exists(PendingCreate.path(paths)) }

    /// True while the pod waits for a ConfigMap, Secret, claim or user (D58).
    public func isWaitingToCreate(_ key: PodKey) -> Bool { isWaitingToCreate(PodPaths(store: store, key: key)) }

    /// The ConfigMaps and Secrets a pod of the namespace resolves against: the stored
    /// ones (the current content), and those given with the call that are not stored.
    func configObjects(namespace: String, configMaps: [ConfigMap], secrets: [Secret]) throws(PodError) -> ([ConfigMap], [Secret]) {
        let objects = ConfigStore(store: store)
        let storedMaps = try objects.configMaps(namespace: namespace)
        let storedSecrets = try objects.secrets(namespace: namespace)
        let mapNames = Set(storedMaps.compactMap(\.metadata?.name))
        let secretNames = Set(storedSecrets.compactMap(\.metadata?.name))
        return (storedMaps + configMaps.filter { !mapNames.contains($0.metadata?.name ?? "") },
                storedSecrets + secrets.filter { !secretNames.contains($0.metadata?.name ?? "") })
    }

    /// What keeps the pod from being created now, in the kubelet's order: the claims (the
    /// scheduler), then the volumes and env sources, then the users of its containers.
    func createWaits(_ pod: Pod, planner: RunPlanner, configMaps: [ConfigMap], secrets: [Secret]) -> CreateWaits {
        let claims = ClaimStore(store: store)
        var waits = CreateWaits()
        waits.unschedulable = CreateWaits.claimWaits(pod) { name in
            guard let key = try? ClaimKey(namespace: pod.namespace, name: name) else { return false }
            return (try? claims.read(key)) != nil
        }
        guard waits.unschedulable.isEmpty else { return waits }
        waits = CreateWaits.configWaits(pod, configMaps: Self.byName(configMaps), secrets: Self.byName(secrets))
        let named = Set(waits.containers.map(\.container))
        waits.containers += planner.userWaits().filter { !named.contains($0.container) }
        return waits
    }

    static func byName(_ maps: [ConfigMap]) -> [String: ConfigMap] {
        Dictionary(maps.map { ($0.metadata?.name ?? "", $0) }, uniquingKeysWith: { $1 })
    }

    static func byName(_ secrets: [Secret]) -> [String: Secret] {
        Dictionary(secrets.map { ($0.metadata?.name ?? "", $0) }, uniquingKeysWith: { $1 })
    }

    /// A waiting pod about to start: its wait's events go where the pulls' go, so
    /// `describe` still shows them beside the supervisor's, and its waiting status goes
    /// (the supervisor writes its own).
    func leaveWaiting(_ paths: PodPaths) throws(PodError) {
        guard isWaitingToCreate(paths) else { return }
        if let status = try? readStatus(paths), !status.events.isEmpty {
            let earlier = (try? store.read([EventRecord].self, from: PendingPull.eventsPath(paths))) ?? []
            try store.write(earlier + status.events, to: PendingPull.eventsPath(paths))
        }
        try Files.remove(paths.status)
        try Files.remove(PendingCreate.path(paths))
    }

    /// Writes the waiting pod: manifest, the inputs of the create to come, and a status
    /// with the reasons (keeping the events of an earlier wait).
    func startWaiting(_ pending: PendingCreate, waits: CreateWaits, key: PodKey, paths: PodPaths) throws(PodError) {
        let previous = try? readStatus(paths)
        try store.write(pending.pod, to: paths.manifest)
        try store.write(pending, to: PendingCreate.path(paths))
        try Files.makeDirectories(paths.runDirectory, mode: 0o700)
        try store.write(waits.status(for: pending.pod, previous: previous ?? nil), to: paths.status)
    }

    /// Tries again to create a waiting pod, under its lock. True when it started; false
    /// when it waits still (its status says why) or is no longer waiting.
    @discardableResult
    public func retryWaiting(_ key: PodKey) throws(PodError) -> Bool {
        let lock = try store.lock(key)
        defer { lock.release() }
        return try retryWaitingLocked(key, paths: PodPaths(store: store, key: key))
    }

    func retryWaitingLocked(_ key: PodKey, paths: PodPaths) throws(PodError) -> Bool {
        guard let pending = try store.read(PendingCreate.self, from: PendingCreate.path(paths)) else { return false }
        do {
            try create(pending.pod, key: key, paths: paths, configMaps: [], secrets: [], peers: pending.peers)
        } catch {
            try recordFailedCreate(pending.pod, key: key, paths: paths, error: error)
            throw error
        }
        return !isWaitingToCreate(paths)
    }

    /// After a ConfigMap or Secret was stored or changed: the running pods of the
    /// namespace that mount it get the new files in place (as the kubelet's periodic sync
    /// would bring them; env stays as the container started with), and the pods waiting
    /// for it are tried again. Returns a line for each pod that could not be refreshed or
    /// started, for the caller to print; one pod's failure never stops the others.
    public func configChanged(_ kind: ConfigKind, namespace: String, name: String, except: Set<PodKey> = []) -> [String] {
        var problems: [String] = []
        for key in (try? store.podKeys()) ?? [] where key.namespace == namespace && !except.contains(key) {
            let paths = PodPaths(store: store, key: key)
            guard let pod = try? store.read(Pod.self, from: paths.manifest),
                  Manifest.references(of: pod).contains(where: { $0.kind == kind.rawValue && $0.name == name }) else { continue }
            do {
                if isWaitingToCreate(paths) {
                    try retryWaiting(key)
                } else {
                    try refreshProjections(key)
                }
            } catch {
                problems.append("pod/\(key.name): \(error)")
            }
        }
        return problems
    }

    /// After a claim was stored: the pods of its namespace waiting for it are tried again.
    public func claimChanged(namespace: String, name: String, except: Set<PodKey> = []) -> [String] {
        var problems: [String] = []
        for key in (try? store.podKeys()) ?? [] where key.namespace == namespace && !except.contains(key) {
            let paths = PodPaths(store: store, key: key)
            guard isWaitingToCreate(paths), let pod = try? store.read(Pod.self, from: paths.manifest),
                  (pod.spec?.volumes ?? []).contains(where: { $0.persistentVolumeClaim?.claimName == name }) else { continue }
            do { try retryWaiting(key) } catch { problems.append("pod/\(key.name): \(error)") }
        }
        return problems
    }
}
