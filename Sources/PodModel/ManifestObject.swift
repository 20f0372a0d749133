/// One object of an apply, with where it came from and what was found wrong with it.
public struct ManifestObject: Sendable {
    public enum Content: Sendable {
        case pod(Pod)
        case configMap(ConfigMap)
        case secret(Secret)
        case claim(PersistentVolumeClaim)
    }

    public var content: Content
    /// `pods/web.yaml, document 2` (and `, item 3` inside a List).
    public var location: String
    public var errors: [FieldError] = []
    public var warnings: [String] = []

    public var kind: String {
        switch content {
        case .pod: return "Pod"
        case .configMap: return "ConfigMap"
        case .secret: return "Secret"
        case .claim: return "PersistentVolumeClaim"
        }
    }

    public var metadata: ObjectMeta? {
        switch content {
        case let .pod(pod): return pod.metadata
        case let .configMap(map): return map.metadata
        case let .secret(secret): return secret.metadata
        case let .claim(claim): return claim.metadata
        }
    }

    public var name: String { metadata?.name ?? "" }
    public var namespace: String { metadata?.namespace ?? "default" }

    /// kubectl's resource/name: `pod/web`, `configmap/settings`.
    public var resourceName: String { "\(kind.lowercased())/\(name)" }

    public var claim: PersistentVolumeClaim? {
        if case let .claim(claim) = content { return claim }
        return nil
    }

    public var pod: Pod? {
        if case let .pod(pod) = content { return pod }
        return nil
    }
}

extension ManifestObject {
    /// An object that comes from the store rather than a file (`get configmap -o yaml`).
    public init(content: Content, location: String) {
        self.init(content: content, location: location, errors: [], warnings: [])
    }
}

/// Everything one input held: its objects, and problems that belong to no object
/// (YAML syntax, unknown kinds).
public struct ManifestSet: Sendable {
    public var objects: [ManifestObject] = []
    public var documentErrors: [String] = []

    public var pods: [Pod] { objects.compactMap(\.pod) }
    public var isValid: Bool { documentErrors.isEmpty && objects.allSatisfy { $0.errors.isEmpty } }

    /// Every problem, one line each, naming the file and the object: what the CLI prints.
    /// Control characters of the manifest are escaped, so a hostile name or value cannot
    /// rewrite the terminal or add a line of its own.
    public var errorLines: [String] {
        (documentErrors + objects.flatMap { object in
            object.errors.map { "\(object.location): \(object.kind) \"\(object.name)\" is invalid: \($0)" }
        }).map(FieldError.printable)
    }

    public var warningLines: [String] {
        objects.flatMap { object in object.warnings.map { FieldError.printable("\(object.location): \($0)") } }
    }
}
