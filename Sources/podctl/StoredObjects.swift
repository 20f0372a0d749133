import Foundation
import PodCore
import PodModel
import PodRuntime
import PodStore

/// What apply and create do with the objects that are not pods (#19): store them, warn
/// about pods that wait, and start or refresh the pods a stored object concerns. There
/// is no daemon: the podctl that stores an object does this (D58).
enum StoredObjects {
    /// Stores one ConfigMap, Secret or claim of an apply.
    static func apply(_ object: ManifestObject, context: Context) throws(PodError) -> PodManager.ApplyOutcome {
        let store = context.manager.store
        switch object.content {
        case let .configMap(map): return try ConfigStore(store: store).apply(map)
        case let .secret(secret): return try ConfigStore(store: store).apply(secret)
        case let .claim(claim): return try ClaimStore(store: store).apply(claim)
        case .pod: throw PodError(.internal, "\(object.resourceName) is a pod, not a stored object")
        }
    }

    /// A claim's storage request is recorded and shown, not enforced (docs/state.md,
    /// "Claims": no project quota on the state root's file system), so apply says so
    /// when the claim is created or its request changes; Kubernetes' local-path
    /// provisioner does not enforce it either, but its users read the PV, not a warning.
    static func warnUnenforcedStorage(_ claim: PersistentVolumeClaim) {
        guard let storage = claim.spec?.resources?.requests?["storage"] else { return }
        Terminal.warning("persistentvolumeclaim/\(claim.name): requests.storage \(storage) is recorded, not enforced: the claim's directory may grow past it (docs/state.md)")
    }

    /// apply's warning for a pod that was created but waits on something only the user
    /// can give (kubectl prints nothing; its user finds out from get). Exit code stays 0.
    static func warnWaiting(_ key: PodKey, context: Context) {
        guard let view = (try? context.manager.view(key)) ?? nil else { return }
        for line in view.waitingProblems { Terminal.warning("pod/\(key.name): \(line)") }
    }

    /// After objects changed: the running pods that mount them get the new files, and
    /// the pods waiting for them are tried again (those of this very apply excepted: they
    /// were just applied against the new objects). A pod that cannot be refreshed or
    /// started is named; it never fails the command that stored the object.
    static func kick(changed: [(ConfigKind, String, String)], claims: [(String, String)], except: Set<PodKey>, context: Context) {
        var problems: [String] = []
        for (kind, namespace, name) in changed {
            problems += context.manager.configChanged(kind, namespace: namespace, name: name, except: except)
        }
        for (namespace, name) in claims {
            problems += context.manager.claimChanged(namespace: namespace, name: name, except: except)
        }
        for line in problems { Terminal.warning(line) }
    }
}
