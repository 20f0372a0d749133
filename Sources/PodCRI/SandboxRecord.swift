import Foundation
import PodCore
import PodCRIProtocol
import PodOS
import PodStore

/// What the CRI endpoint keeps of a sandbox beside its pod (`<root>/cri/sandboxes/ID.json`,
/// atomic, 0600): the ID the kubelet knows, the pod it is, when it was made and the
/// config as sent (labels, annotations, log directory, namespace options), which the
/// status RPCs and CreateContainer read back. It lives in the state store, not in the
/// daemon's memory, so a restarted daemon finds every sandbox again.
struct SandboxRecord: CRIRecord {
    /// 64 hex characters, as containerd's sandbox IDs.
    var id: String
    var namespace: String
    var name: String
    /// Nanoseconds since the epoch, as the CRI's `created_at`.
    var createdAt: Int64
    var runtimeHandler: String
    /// The `PodSandboxConfig` of RunPodSandbox, in the protobuf wire format.
    var config: Data

    func key() throws(PodError) -> PodKey { try PodKey(namespace: namespace, name: name) }

    func decodedConfig() -> Runtime_V1_PodSandboxConfig {
        (try? Runtime_V1_PodSandboxConfig(serializedBytes: config)) ?? Runtime_V1_PodSandboxConfig()
    }

    /// A new ID: 32 random bytes in hex (getrandom through the system generator).
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Whether `text` can be an ID at all; anything else names no sandbox (and no path).
    static func isIDLike(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}

/// What the CRI endpoint writes down of a sandbox or a container: a file named by its ID.
protocol CRIRecord: Codable, Sendable {
    var id: String { get }
}

/// The records in `<root>/cri/sandboxes` or `<root>/cri/containers`, read once when the
/// daemon first uses them and kept in memory after: the daemon is their only writer, and
/// the kubelet's list and status calls (twice a second) then cost no directory walk.
final class RecordDirectory<Record: CRIRecord>: @unchecked Sendable {
    let directory: String
    let store: Store
    private let lock = NSLock()
    private var loaded: [String: Record]?

    init(store: Store, name: String) {
        self.store = store
        directory = store.roots.root + "/cri/" + name
    }

    func path(_ id: String) -> String { directory + "/" + id + ".json" }

    /// Every record; a damaged one is skipped (its pod is still podctl's: `podctl delete`).
    func all() -> [Record] {
        lock.withLock {
            if loaded == nil { loaded = readAll() }
            return Array(loaded!.values)
        }
    }

    private func readAll() -> [String: Record] {
        var records: [String: Record] = [:]
        for entry in (try? Files.list(directory)) ?? [] where entry.hasSuffix(".json") {
            let id = String(entry.dropLast(5))
            guard SandboxRecord.isIDLike(id), let record = try? store.read(Record.self, from: path(id)), record.id == id else { continue }
            records[id] = record
        }
        return records
    }

    /// The record of a full ID, or of the one ID a prefix names (crictl takes prefixes).
    func find(_ id: String) -> Record? {
        guard SandboxRecord.isIDLike(id) else { return nil }
        let records = all()
        if let exact = records.first(where: { $0.id == id }) { return exact }
        let matches = records.filter { $0.id.hasPrefix(id) }
        return matches.count == 1 ? matches[0] : nil
    }

    func add(_ record: Record) throws(PodError) {
        try Files.makeDirectories(directory, mode: 0o700)
        try store.write(record, to: path(record.id))
        lock.withLock {
            if loaded == nil { loaded = readAll() }
            loaded?[record.id] = record
        }
    }

    func remove(_ id: String) throws(PodError) {
        try Files.remove(path(id))
        lock.withLock { _ = loaded?.removeValue(forKey: id) }
    }
}
