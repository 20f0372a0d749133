import Foundation
import PodCore

/// Reads manifests as `kubectl apply -f` does: YAML or JSON, several documents per
/// file, `kind: List`; pods are decoded, defaulted and validated, and every problem
/// is collected with its place.
public enum Manifest {
    /// The text of a manifest file, or of standard input for `-`, read no further than
    /// `ManifestLimits.maxBytes` (a file of /dev/zero must not fill memory).
    public static func read(path: String) throws(PodError) -> String {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else if let opened = FileHandle(forReadingAtPath: path) {
            handle = opened
        } else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw PodError(.notFound, exists ? "cannot read \(path): permission denied or not a file" : "the path \"\(path)\" does not exist")
        }
        defer { if path != "-" { try? handle.close() } }
        return String(decoding: try readBounded(handle, source: path == "-" ? "standard input" : path), as: UTF8.self)
    }

    private static func readBounded(_ handle: FileHandle, source: String) throws(PodError) -> Data {
        var data = Data()
        while data.count <= ManifestLimits.maxBytes {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 16) ?? Data() } catch {
                throw PodError(.invalidArgument, "cannot read \(source): permission denied or not a file", cause: .text("\(error)"))
            }
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
        throw PodError(.invalidManifest, "\(source) is larger than 3 MiB, the most a manifest may be (the API server's limit on a request); split it into several files")
    }

    /// Decodes every object of `text`. `namespace` is the namespace given on the command
    /// line (`-n`): objects without one get it, objects with another one are refused,
    /// as kubectl refuses them.
    public static func parse(_ text: String, source: String, namespace: String? = nil) -> ManifestSet {
        parse([(source, text)], namespace: namespace)
    }

    /// Decodes several inputs as one apply, so references between files resolve and an
    /// object given twice is caught.
    public static func parse(_ inputs: [(source: String, text: String)], namespace: String? = nil) -> ManifestSet {
        var set = ManifestSet()
        let budget = AliasBudget()
        for (source, text) in inputs {
            let documents: [Value]
            do {
                documents = try Value.documents(yaml: text, budget: budget)
            } catch {
                set.documentErrors.append("\(source): error parsing YAML: \(yamlErrorLine(error))")
                continue
            }
            if documents.isEmpty { set.documentErrors.append("\(source): no objects passed to apply") }
            for (index, document) in documents.enumerated() {
                let location = documents.count > 1 ? "\(source), document \(index + 1)" : source
                add(document, location: location, namespace: namespace, to: &set)
            }
        }
        checkSet(&set)
        return set
    }

    private static func add(_ document: Value, location: String, namespace: String?, to set: inout ManifestSet) {
        guard case .object = document else {
            set.documentErrors.append("\(location): expected an object with apiVersion and kind, found \(document.kindName)")
            return
        }
        let apiVersion = document["apiVersion"]?.stringValue ?? ""
        let kind = document["kind"]?.stringValue ?? ""
        if kind.isEmpty {
            set.documentErrors.append("\(location): Object 'Kind' is missing: every object needs apiVersion and kind (for a pod: apiVersion: v1, kind: Pod)")
            return
        }
        if apiVersion != "v1" || !["Pod", "List", "PodList", "ConfigMap", "Secret", "PersistentVolumeClaim"].contains(kind) {
            let what = apiVersion.isEmpty ? kind : "\(apiVersion) \(kind)"
            set.documentErrors.append("\(location): podctl applies v1 Pod, ConfigMap, Secret, PersistentVolumeClaim and List; \"\(what)\" is not one of them (a Deployment or Job runs here as the Pod of its template)")
            return
        }
        if kind == "List" || kind == "PodList" {
            guard case let .array(items)? = document["items"] else {
                set.documentErrors.append("\(location): items: Required value: a List holds its objects in items")
                return
            }
            for (index, item) in items.enumerated() {
                add(item, location: "\(location), item \(index + 1)", namespace: namespace, to: &set)
            }
            return
        }
        var object = decodeObject(document, kind: kind, location: location)
        applyNamespace(namespace, to: &object)
        set.objects.append(object)
    }

    private static func decodeObject(_ document: Value, kind: String, location: String) -> ManifestObject {
        switch kind {
        case "ConfigMap":
            let (map, errors, warnings) = decode(ConfigMap.self, document)
            var object = ManifestObject(content: .configMap(map ?? ConfigMap()), location: location, errors: errors, warnings: warnings)
            if errors.isEmpty, let map { object.errors = ConfigValidator.validate(map) }
            return object
        case "Secret":
            let (secret, errors, warnings) = decode(Secret.self, document)
            var object = ManifestObject(content: .secret(secret ?? Secret()), location: location, errors: errors.map(redactingSecretValue), warnings: warnings)
            if errors.isEmpty, let secret { object.errors = ConfigValidator.validate(secret) }
            return object
        case "PersistentVolumeClaim":
            let (claim, errors, warnings) = decode(PersistentVolumeClaim.self, document)
            var object = ManifestObject(content: .claim(claim ?? PersistentVolumeClaim()), location: location, errors: errors, warnings: warnings)
            if errors.isEmpty, let claim { object.errors = ClaimValidator.validate(claim) }
            return object
        default:
            let (pod, errors, warnings) = decode(Pod.self, document)
            let defaulted = (pod ?? Pod()).withDefaults()
            // Validate even after decode errors, so one run reports everything; a field
            // that failed to decode is nil now, so what validation says at or under its
            // path is only an echo of the decode error and is left out.
            let validation = PodValidator.validate(defaulted).filter { error in
                !errors.contains { error.path.hasPrefix($0.path) }
            }
            return ManifestObject(content: .pod(defaulted), location: location, errors: errors + validation, warnings: warnings)
        }
    }

    /// A decode error on a Secret's value (a NUL in it) shows no part of it, as the API
    /// server's `<secret contents redacted>`.
    private static func redactingSecretValue(_ error: FieldError) -> FieldError {
        guard error.value != nil, error.path.steps.count == 2, case let .field(map) = error.path.steps[0], ["data", "stringData"].contains(map),
              case .field = error.path.steps[1] else { return error }
        var redacted = error
        redacted.value = "\"<secret contents redacted>\""
        return redacted
    }

    /// Decodes one object, then judges every key the model did not read (docs/pod-spec.md).
    static func decode<T: Decodable>(_ type: T.Type, _ document: Value) -> (T?, [FieldError], [String]) {
        let record = DecodeRecord()
        let decoder = ValueDecoder(value: document, path: FieldPath(), record: record, typeName: _typeName(type, qualified: false))
        var result: T?
        do { result = try T(from: decoder) } catch { recordFailure(error, at: FieldPath(), in: record) }
        for (path, typeName, key) in record.unreadKeys {
            let fieldPath = path.child(key)
            switch FieldSupport.lookup(type: typeName, field: key)?.status {
            case .notYet?:
                let note = FieldSupport.lookup(type: typeName, field: key)?.note ?? ""
                record.errors.append(.forbidden(fieldPath, "podctl does not support this field yet" + (note.isEmpty ? "" : " (\(note))")))
            case .ignored?:
                let note = FieldSupport.lookup(type: typeName, field: key)?.note ?? ""
                record.warnings.append("field \"\(fieldPath)\" is ignored: \(note)")
            case .serverSet?:
                break
            case .supported?, .partial?, nil:
                record.warnings.append("unknown field \"\(fieldPath)\"")
            }
        }
        return (result, record.errors, record.warnings)
    }

    private static func applyNamespace(_ namespace: String?, to object: inout ManifestObject) {
        let given = object.metadata?.namespace
        if let namespace, let given, !given.isEmpty, given != namespace {
            object.errors.append(.invalid(FieldPath("metadata.namespace"), quoting: given,
                "the namespace from the provided object does not match the namespace \"\(namespace)\"; pass --namespace=\(given) to apply it"))
            return
        }
        guard given == nil || given == "" else { return }
        let chosen = namespace ?? "default"
        switch object.content {
        case var .pod(pod):
            pod.metadata = pod.metadata ?? ObjectMeta()
            pod.metadata?.namespace = chosen
            object.content = .pod(pod)
        case var .configMap(map):
            map.metadata = map.metadata ?? ObjectMeta()
            map.metadata?.namespace = chosen
            object.content = .configMap(map)
        case var .secret(secret):
            secret.metadata = secret.metadata ?? ObjectMeta()
            secret.metadata?.namespace = chosen
            object.content = .secret(secret)
        case var .claim(claim):
            claim.metadata = claim.metadata ?? ObjectMeta()
            claim.metadata?.namespace = chosen
            object.content = .claim(claim)
        }
    }
}
