import Foundation
import PodCore
import PodModel
import PodRuntime

/// `get`, `describe` and `delete` of stored ConfigMaps and Secrets (#19), with kubectl's
/// resource words, columns and messages. Secret values are never printed by the table
/// or describe (sizes only); `-o yaml|json` prints `data` base64, as kubectl does
/// (docs/cli.md says base64 is an encoding, not a protection).
enum ConfigCommands {
    static let words: [ConfigKind: [String]] = [
        .configMap: ["configmap", "configmaps", "cm"],
        .secret: ["secret", "secrets"],
    ]

    /// The kind and names when `arguments` name ConfigMaps or Secrets (`cm NAME...`,
    /// `configmap/NAME`); nil otherwise.
    static func names(_ arguments: [String]) -> (ConfigKind, [String])? {
        guard let first = arguments.first else { return nil }
        for (kind, words) in words {
            if let slash = first.firstIndex(of: "/"), words.contains(String(first[..<slash])) {
                return (kind, arguments.map { String($0.split(separator: "/", maxSplits: 1).last ?? "") })
            }
            if words.contains(first) { return (kind, Array(arguments.dropFirst())) }
        }
        return nil
    }

    /// A stored object, for printing: the object, its key count and its age.
    struct Entry {
        let name: String
        let content: ManifestObject.Content
        let created: Date
        let type: String?
        let sizes: [(key: String, bytes: Int)]
    }

    static func entries(_ kind: ConfigKind, _ names: [String], namespace: String, store: ConfigStore) throws(PodError) -> [Entry] {
        let chosen = names.isEmpty ? try store.names(kind, namespace: namespace) : names
        return try chosen.map { name throws(PodError) -> Entry in
            switch kind {
            case .configMap:
                guard let record = try store.configMap(namespace: namespace, name: name) else { throw notFound(kind, name) }
                let map = record.object
                let sizes = (map.data ?? [:]).map { ($0.key, $0.value.utf8.count) }
                    + (map.binaryData ?? [:]).map { ($0.key, Data(base64Encoded: $0.value)?.count ?? 0) }
                return Entry(name: name, content: .configMap(map), created: record.created, type: nil, sizes: sizes.sorted { $0.0 < $1.0 })
            case .secret:
                guard let record = try store.secret(namespace: namespace, name: name) else { throw notFound(kind, name) }
                let sizes = (record.object.data ?? [:]).map { ($0.key, Data(base64Encoded: $0.value)?.count ?? 0) }
                return Entry(name: name, content: .secret(record.object), created: record.created, type: record.object.type ?? "Opaque", sizes: sizes.sorted { $0.0 < $1.0 })
            }
        }
    }

    static func notFound(_ kind: ConfigKind, _ name: String) -> PodError {
        PodError(.notFound, "\(kind.plural) \"\(name)\" not found")
    }

    static func get(_ kind: ConfigKind, _ names: [String], namespace: String, output: String?, context: Context) throws(PodError) {
        let list = try entries(kind, names, namespace: namespace, store: ConfigStore(store: context.manager.store))
        if let output {
            guard let format = OutputFormat(rawValue: output) else {
                throw PodError(.invalidArgument, "-o \(output): \(kind.plural) are printed as a table, or -o yaml, json or name")
            }
            let objects = list.map { ManifestObject(content: $0.content, location: "stored") }
            return print(try ObjectPrinter.render(objects, as: format), terminator: "")
        }
        if list.isEmpty { return Terminal.standardError("No resources found in \(namespace) namespace.") }
        let age = { (entry: Entry) in StoredConfig<ConfigMap>.age(since: entry.created) }
        let rows = kind == .configMap
            ? [["NAME", "DATA", "AGE"]] + list.map { [$0.name, String($0.sizes.count), age($0)] }
            : [["NAME", "TYPE", "DATA", "AGE"]] + list.map { [$0.name, $0.type ?? "Opaque", String($0.sizes.count), age($0)] }
        print(Table.render(rows), terminator: "")
    }

    /// kubectl describe configmap|secret: a ConfigMap's values are shown, as kubectl shows
    /// them; a Secret's only as sizes.
    static func describe(_ kind: ConfigKind, _ names: [String], namespace: String, context: Context) throws(PodError) {
        let list = try entries(kind, names, namespace: namespace, store: ConfigStore(store: context.manager.store))
        if list.isEmpty { return Terminal.standardError("No resources found in \(namespace) namespace.") }
        print(list.map { describe($0, namespace: namespace) }.joined(separator: "\n\n"))
    }

    static func describe(_ entry: Entry, namespace: String) -> String {
        let meta: ObjectMeta?
        var body: [String] = []
        switch entry.content {
        case let .configMap(map):
            meta = map.metadata
            body = ["", "Data", "===="]
            for (key, value) in (map.data ?? [:]).sorted(by: { $0.key < $1.key }) {
                // Line by line: a value's lines stay lines, its control characters are escaped.
                body += ["\(FieldError.printable(key)):", "----"] + value.split(separator: "\n", omittingEmptySubsequences: false).map { FieldError.printable(String($0)) } + [""]
            }
            let sizes = Dictionary(entry.sizes.map { ($0.key, $0.bytes) }, uniquingKeysWith: { first, _ in first })
            body += ["", "BinaryData", "===="] + (map.binaryData ?? [:]).keys.sorted().map { key in "\(FieldError.printable(key)): \(sizes[key] ?? 0) bytes" }
        case let .secret(secret):
            meta = secret.metadata
            body = ["", "Type:  \(entry.type ?? "Opaque")", "", "Data", "===="] + entry.sizes.map { "\($0.key):  \($0.bytes) bytes" }
        default:
            meta = nil
        }
        let labels = (meta?.labels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let annotations = (meta?.annotations ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        let head = [
            "Name:         \(entry.name)",
            "Namespace:    \(namespace)",
            "Labels:       \(labels.isEmpty ? "<none>" : labels.joined(separator: "\n              "))",
            "Annotations:  \(annotations.isEmpty ? "<none>" : annotations.joined(separator: "\n              "))",
        ].map(FieldError.printable)
        return (head + body + ["", "Events:  <none>"]).joined(separator: "\n")
    }

    /// Deletes each object. One in use is deleted all the same, as in Kubernetes: the
    /// running pods keep what they were given, pods created later wait for it (D58).
    static func delete(_ kind: ConfigKind, _ names: [String], namespace: String, ignoreNotFound: Bool, context: Context) throws(PodError) {
        let store = ConfigStore(store: context.manager.store)
        try deleteEach(names, resource: kind.resource, ignoreNotFound: ignoreNotFound) { name throws(PodError) in
            try store.delete(kind, namespace: namespace, name: name)
        }
    }

    /// kubectl's delete loop for named objects: `RESOURCE "NAME" deleted` for each, every
    /// failure printed and the others deleted all the same, exit with the first's code.
    static func deleteEach(_ names: [String], resource: String, ignoreNotFound: Bool, _ delete: (String) throws(PodError) -> Void) throws(PodError) {
        var failure: PodError?
        for name in names {
            do {
                try delete(name)
                print("\(resource) \"\(name)\" deleted")
            } catch {
                if error.code == .notFound && ignoreNotFound { continue }
                Terminal.error(error.description)
                failure = failure ?? error
            }
        }
        if let failure { throw PodError(failure.code, "not every \(resource) was deleted") }
    }
}
