import Foundation
import PodCore
import PodModel
import PodOS
import PodStore

/// The two kinds of stored configuration object, with kubectl's words for them.
public enum ConfigKind: String, Sendable, CaseIterable {
    case configMap = "ConfigMap"
    case secret = "Secret"

    /// kubectl's singular resource (`configmap/cfg`, `configmap "cfg" not found`).
    public var resource: String { self == .configMap ? "configmap" : "secret" }
    /// The directory of the kind under a namespace, and kubectl's plural.
    public var plural: String { resource + "s" }
}

/// A stored ConfigMap or Secret and when it was first stored (AGE). Secrets are kept as
/// the API server keeps them: `stringData` merged into base64 `data`.
public struct StoredConfig<Object: Codable & Equatable & Sendable>: Codable, Sendable {
    public var object: Object
    public var created: Date

    /// AGE, as `get` shows it for pods and claims.
    public static func age(since created: Date) -> String { PodView.shortDuration(Date().timeIntervalSince(created)) }
}

/// ConfigMaps and Secrets as objects of a namespace (docs/state.md, #19):
/// `<root>/objects/NS/configmaps/NAME.json` and `<root>/objects/NS/secrets/NAME.json`,
/// each written atomically, 0600, in 0700 directories. Every change holds the
/// namespace's lock (`<run-root>/locks/objects_NS.lock`): an apply and a create of the
/// same name cannot interleave their read and write.
public struct ConfigStore: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    func directory(_ kind: ConfigKind, namespace: String) -> String { "\(store.roots.root)/objects/\(namespace)/\(kind.plural)" }

    /// The record's path, from a namespace and name checked against the name rules first
    /// (neither can hold `/` nor be `..`).
    public func path(_ kind: ConfigKind, namespace: String, name: String) throws(PodError) -> String {
        if let problem = NameRules.namespaceProblem(namespace) {
            throw PodError(.invalidArgument, "invalid namespace \"\(namespace)\": \(problem)")
        }
        if let problem = NameRules.subdomainErrors(name).first {
            throw PodError(.invalidArgument, "invalid \(kind.resource) name \"\(name)\": \(problem)")
        }
        return directory(kind, namespace: namespace) + "/\(name).json"
    }

    public func locked<T>(namespace: String, _ body: () throws(PodError) -> T) throws(PodError) -> T {
        try store.prepare()
        let lockPath = "\(store.roots.runRoot)/locks/objects_\(namespace).lock"
        guard let lock = try FileLock.acquire(lockPath, wait: .upTo(seconds: Store.lockWait())) else {
            throw PodError(.conflict, "the ConfigMaps and Secrets of namespace \(namespace) are being changed by another podctl; try again when it has finished")
        }
        defer { lock.unlock() }
        return try body()
    }

    public func configMap(namespace: String, name: String) throws(PodError) -> StoredConfig<ConfigMap>? {
        try store.read(StoredConfig<ConfigMap>.self, from: path(.configMap, namespace: namespace, name: name))
    }

    public func secret(namespace: String, name: String) throws(PodError) -> StoredConfig<Secret>? {
        try store.read(StoredConfig<Secret>.self, from: path(.secret, namespace: namespace, name: name))
    }

    /// The names stored of a kind in a namespace, sorted; files that are not a valid
    /// name's record (a temporary file of a killed writer) are skipped.
    public func names(_ kind: ConfigKind, namespace: String) throws(PodError) -> [String] {
        guard NameRules.namespaceProblem(namespace) == nil else { return [] }
        return try Files.list(directory(kind, namespace: namespace)).compactMap { file -> String? in
            guard file.hasSuffix(".json") else { return nil }
            let name = String(file.dropLast(5))
            return NameRules.subdomainErrors(name).isEmpty ? name : nil
        }.sorted()
    }

    /// The namespaces that hold any stored object.
    public func namespaces() throws(PodError) -> [String] {
        try Files.list(store.roots.root + "/objects").filter { NameRules.namespaceProblem($0) == nil }.sorted()
    }

    /// Every ConfigMap of the namespace: what its pods resolve their references against.
    public func configMaps(namespace: String) throws(PodError) -> [ConfigMap] {
        var result: [ConfigMap] = []
        for name in try names(.configMap, namespace: namespace) {
            if let record = try configMap(namespace: namespace, name: name) { result.append(record.object) }
        }
        return result
    }

    public func secrets(namespace: String) throws(PodError) -> [Secret] {
        var result: [Secret] = []
        for name in try names(.secret, namespace: namespace) {
            if let record = try secret(namespace: namespace, name: name) { result.append(record.object) }
        }
        return result
    }
}
