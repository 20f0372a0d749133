import Foundation
import PodCore
import PodModel
import PodOS
import PodStore

/// A claim's identity: namespace and name checked against the Kubernetes name rules
/// before any path is built from them (a claim name is a DNS subdomain: no `/`, no `..`).
public struct ClaimKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let namespace: String
    public let name: String

    public init(namespace: String, name: String) throws(PodError) {
        if let problem = NameRules.namespaceProblem(namespace) {
            throw PodError(.invalidArgument, "invalid namespace \"\(namespace)\": \(problem)")
        }
        if let problem = NameRules.subdomainErrors(name).first {
            throw PodError(.invalidArgument, "invalid persistentvolumeclaim name \"\(name)\": \(problem)")
        }
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }
    /// The stable name `get pvc` shows in VOLUME: one local volume per claim.
    public var volumeName: String { "local-\(namespace)-\(name)" }

    public static func < (lhs: ClaimKey, rhs: ClaimKey) -> Bool { (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name) }
}

/// What is kept of an applied claim: the claim as applied and when it was first applied.
public struct ClaimRecord: Codable, Sendable {
    public var claim: PersistentVolumeClaim
    public var created: Date
}

/// The claims of docs/state.md: `<root>/claims/NS/NAME/claim.json` and `data/`, the
/// volume's directory, made on first use by a pod and removed only by `delete pvc`.
/// Every change holds the claim's lock (`<run-root>/locks/claim_NS_NAME.lock`).
public struct ClaimStore: Sendable {
    public let store: Store
    /// Where claims live: `PODCTL_CLAIM_ROOT`, else `<root>/claims` (docs/state.md).
    public let root: String

    public init(store: Store, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        root = (try? Self.configuredRoot(store: store, environment: environment)) ?? store.roots.root + "/claims"
    }

    /// The claim storage path: `PODCTL_CLAIM_ROOT` when set (an absolute path without
    /// `..`: another disk or file system for the data of claims), else `<root>/claims`.
    /// Every command checks it first (Context), so a bad value fails before anything.
    public static func configuredRoot(store: Store, environment: [String: String]) throws(PodError) -> String {
        guard let given = environment["PODCTL_CLAIM_ROOT"], !given.isEmpty else { return store.roots.root + "/claims" }
        guard given.hasPrefix("/"), !given.split(separator: "/").contains("..") else {
            throw PodError(.invalidArgument, "PODCTL_CLAIM_ROOT=\(given): the claim storage path must be absolute and without ..")
        }
        return given.count > 1 && given.hasSuffix("/") ? String(given.dropLast()) : given
    }

    public func directory(_ key: ClaimKey) -> String { "\(root)/\(key.namespace)/\(key.name)" }
    public func dataDirectory(_ key: ClaimKey) -> String { directory(key) + "/data" }
    private func recordPath(_ key: ClaimKey) -> String { directory(key) + "/claim.json" }

    /// Runs `body` holding the claim's lock; waits for another podctl as a pod's lock does.
    public func locked<T>(_ key: ClaimKey, _ body: () throws(PodError) -> T) throws(PodError) -> T {
        try store.prepare()
        let path = "\(store.roots.runRoot)/locks/claim_\(key.namespace)_\(key.name).lock"
        guard let lock = try FileLock.acquire(path, wait: .upTo(seconds: Store.lockWait())) else {
            throw PodError(.conflict, "persistentvolumeclaim \(key) is being changed by another podctl; try again when it has finished")
        }
        defer { lock.unlock() }
        return try body()
    }

    public func read(_ key: ClaimKey) throws(PodError) -> ClaimRecord? {
        try store.read(ClaimRecord.self, from: recordPath(key))
    }

    /// Every claim with state, sorted; entries that are not valid names are skipped.
    public func keys() throws(PodError) -> [ClaimKey] {
        var keys: [ClaimKey] = []
        for namespace in try Files.list(root) {
            for name in try Files.list("\(root)/\(namespace)") {
                if let key = try? ClaimKey(namespace: namespace, name: name), Files.exists(recordPath(key)) { keys.append(key) }
            }
        }
        return keys.sorted()
    }
}
