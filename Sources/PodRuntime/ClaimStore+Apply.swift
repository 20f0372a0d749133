import Foundation
import PodCore
import PodModel
import PodOS
import PodStore

extension ClaimStore {
    /// Records a validated claim: created, unchanged, or configured when only
    /// `resources` or metadata changed. The API server refuses other spec changes
    /// ("spec is immutable after creation except resources.requests and
    /// volumeAttributesClassName for bound claims", ValidatePersistentVolumeClaimUpdate).
    public func apply(_ claim: PersistentVolumeClaim) throws(PodError) -> PodManager.ApplyOutcome {
        let key = try ClaimKey(namespace: claim.namespace, name: claim.name)
        return try locked(key) { () throws(PodError) -> PodManager.ApplyOutcome in
            guard let existing = try read(key) else {
                try store.write(ClaimRecord(claim: claim, created: Date()), to: directory(key) + "/claim.json")
                return .created
            }
            if existing.claim == claim { return .unchanged }
            var old = existing.claim.spec ?? PersistentVolumeClaimSpec()
            old.resources = claim.spec?.resources
            if old != claim.spec ?? PersistentVolumeClaimSpec() {
                throw PodError(.invalidManifest, "persistentvolumeclaim \"\(key.name)\": spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims")
            }
            try store.write(ClaimRecord(claim: claim, created: existing.created), to: directory(key) + "/claim.json")
            return .configured
        }
    }

    /// The pods (with state on this host) whose volumes name the claim: what `get pvc`
    /// and `describe pvc` show, what `delete pvc` refuses over, what ReadWriteOncePod
    /// allows one of.
    public func users(of key: ClaimKey) throws(PodError) -> [PodKey] {
        try store.podKeys().filter { pod in
            guard pod.namespace == key.namespace, let manifest = try? store.read(Pod.self, from: store.manifestPath(pod)) else { return false }
            return (manifest.spec?.volumes ?? []).contains { $0.persistentVolumeClaim?.claimName == key.name }
        }
    }

    /// `delete pvc`: refused while a pod uses the claim. Kubernetes leaves such a claim
    /// Terminating behind its `kubernetes.io/pvc-protection` finalizer until the last
    /// pod goes; with no controller to finish the delete later, podctl refuses instead.
    public func delete(_ key: ClaimKey) throws(PodError) {
        try locked(key) { () throws(PodError) in
            guard try read(key) != nil else {
                throw PodError(.notFound, "persistentvolumeclaims \"\(key.name)\" not found")
            }
            let holders = try users(of: key)
            if !holders.isEmpty {
                throw PodError(.conflict, "persistentvolumeclaim \"\(key.name)\" is in use by pod(s): \(holders.map(\.name).joined(separator: ", ")); delete them first (kubernetes.io/pvc-protection)")
            }
            try Files.removeTree(directory(key))
        }
    }
}
