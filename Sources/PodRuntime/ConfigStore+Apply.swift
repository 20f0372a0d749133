import Foundation
import PodCore
import PodModel
import PodOS
import PodStore

extension ConfigStore {
    /// Stores a validated ConfigMap: created, configured (data, metadata or immutable
    /// changed) or unchanged, as kubectl apply reports it. `onlyNew` (`create`): one
    /// that exists already is an error, as the API server's create.
    public func apply(_ map: ConfigMap, onlyNew: Bool = false) throws(PodError) -> PodManager.ApplyOutcome {
        let namespace = map.metadata?.namespace ?? "default"
        let name = map.metadata?.name ?? ""
        let path = try path(.configMap, namespace: namespace, name: name)
        return try locked(namespace: namespace) { () throws(PodError) -> PodManager.ApplyOutcome in
            let existing = try store.read(StoredConfig<ConfigMap>.self, from: path)
            if existing != nil && onlyNew { throw Self.alreadyExists(.configMap, name) }
            if let existing {
                if existing.object == map { return .unchanged }
                try Self.checkImmutable(.configMap, name, old: existing.object.immutable, new: map.immutable,
                                        changed: existing.object.data != map.data || existing.object.binaryData != map.binaryData)
            }
            try store.write(StoredConfig(object: map, created: existing?.created ?? Date()), to: path)
            return existing == nil ? .created : .configured
        }
    }

    /// Stores a validated Secret the way the API server keeps it: `stringData` merged
    /// into base64 `data` (a stringData key wins), type `Opaque` when none is given.
    public func apply(_ given: Secret, onlyNew: Bool = false) throws(PodError) -> PodManager.ApplyOutcome {
        let secret = Self.normalized(given)
        let namespace = secret.metadata?.namespace ?? "default"
        let name = secret.metadata?.name ?? ""
        let path = try path(.secret, namespace: namespace, name: name)
        return try locked(namespace: namespace) { () throws(PodError) -> PodManager.ApplyOutcome in
            let existing = try store.read(StoredConfig<Secret>.self, from: path)
            if existing != nil && onlyNew { throw Self.alreadyExists(.secret, name) }
            if let existing {
                if existing.object == secret { return .unchanged }
                if existing.object.type != secret.type {
                    throw PodError(.invalidManifest, "secret \"\(name)\": type: Invalid value: \"\(secret.type ?? "")\": field is immutable")
                }
                try Self.checkImmutable(.secret, name, old: existing.object.immutable, new: secret.immutable, changed: existing.object.data != secret.data)
            }
            try store.write(StoredConfig(object: secret, created: existing?.created ?? Date()), to: path)
            return existing == nil ? .created : .configured
        }
    }

    static func alreadyExists(_ kind: ConfigKind, _ name: String) -> PodError {
        PodError(.alreadyExists, "\(kind.plural) \"\(name)\" already exists; change it with podctl apply -f, or delete it first")
    }

    public static func normalized(_ secret: Secret) -> Secret {
        var result = secret
        var data = secret.data ?? [:]
        for (key, value) in secret.stringData ?? [:] { data[key] = Data(value.utf8).base64EncodedString() }
        result.data = data.isEmpty ? nil : data
        result.stringData = nil
        result.type = secret.type ?? "Opaque"
        return result
    }

    /// `immutable: true` (ValidateConfigMapUpdate, ValidateSecretUpdate): the data can no
    /// longer change, nor can the flag be taken back.
    static func checkImmutable(_ kind: ConfigKind, _ name: String, old: Bool?, new: Bool?, changed: Bool) throws(PodError) {
        guard old == true else { return }
        if new != true {
            throw PodError(.invalidManifest, "\(kind.resource) \"\(name)\": immutable: Forbidden: field is immutable when `immutable` is set")
        }
        if changed {
            throw PodError(.invalidManifest, "\(kind.resource) \"\(name)\": data: Forbidden: field is immutable when `immutable` is set; delete it and create it again")
        }
    }

    /// `delete configmap|secret NAME`. Allowed while pods use it, as in Kubernetes: running
    /// containers keep what they were given; pods created later wait for it (D58).
    public func delete(_ kind: ConfigKind, namespace: String, name: String) throws(PodError) {
        let path = try path(kind, namespace: namespace, name: name)
        try locked(namespace: namespace) { () throws(PodError) in
            guard Files.exists(path) else { throw PodError(.notFound, "\(kind.plural) \"\(name)\" not found") }
            try Files.remove(path)
        }
    }
}
