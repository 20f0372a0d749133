import Foundation
import PodCore
import PodModel
import PodStore

/// A claim as `get pvc` and `describe pvc` show it. Every claim is Bound: its volume is
/// the local directory `local-NS-NAME`, made when a pod first mounts it.
public struct ClaimView: Sendable {
    public let key: ClaimKey
    public let record: ClaimRecord
    public let users: [PodKey]

    public init(key: ClaimKey, claims: ClaimStore) throws(PodError) {
        guard let record = try claims.read(key) else {
            throw PodError(.notFound, "persistentvolumeclaims \"\(key.name)\" not found")
        }
        self.key = key
        self.record = record
        users = try claims.users(of: key)
    }

    var spec: PersistentVolumeClaimSpec { record.claim.spec ?? PersistentVolumeClaimSpec() }

    public static let header = ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"]

    /// kubectl's columns; ACCESS MODES abbreviated as kubectl does (RWO, ROX, RWX, RWOP).
    public var row: [String] {
        [key.name, "Bound", key.volumeName, capacity, accessModes, storageClass, PodView.shortDuration(Date().timeIntervalSince(record.created))]
    }

    var capacity: String { spec.resources?.requests?["storage"]?.text ?? "" }
    var storageClass: String { spec.storageClassName ?? "local" }
    var accessModes: String {
        let short = ["ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"]
        return (spec.accessModes ?? []).map { short[$0] ?? $0 }.joined(separator: ",")
    }

    /// `kubectl describe pvc`, with what one host cannot do said where it applies.
    public func describe(dataDirectory: String) -> String {
        let labels = (record.claim.metadata?.labels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let lines = [
            "Name:          \(key.name)",
            "Namespace:     \(key.namespace)",
            "StorageClass:  \(storageClass)",
            "Status:        Bound",
            "Volume:        \(key.volumeName)",
            "Labels:        \(labels.isEmpty ? "<none>" : labels.joined(separator: "\n               "))",
            "Capacity:      \(capacity) (recorded, not enforced: no project quotas on this file system)",
            "Access Modes:  \(accessModes)",
            "VolumeMode:    \(spec.volumeMode ?? "Filesystem")",
            "Path:          \(dataDirectory)",
            "Used By:       \(users.isEmpty ? "<none>" : users.map(\.name).joined(separator: "\n               "))",
            "Events:        <none>",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
