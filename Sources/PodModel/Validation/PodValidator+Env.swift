extension PodValidator {
    static let fieldRefPaths: Set<String> = [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
        "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ]
    static let resourceFieldRefs = [
        "limits.cpu", "limits.ephemeral-storage", "limits.memory",
        "requests.cpu", "requests.ephemeral-storage", "requests.memory",
    ]

    mutating func validateEnv(_ container: Container, _ path: FieldPath) {
        for (index, variable) in (container.env ?? []).enumerated() {
            let varPath = path.child("env").index(index)
            let name = variable.name ?? ""
            if name.isEmpty { add(.required(varPath.child("name"))) }
            else if !Names.isEnvVarName(name) { add(.invalid(varPath.child("name"), quoting: name, Names.envVarMessage)) }
            if let source = variable.valueFrom {
                if let value = variable.value, !value.isEmpty {
                    add(.invalid(varPath.child("valueFrom"), quoting: "", "may not be specified when `value` is not empty"))
                }
                validateEnvSource(source, container, varPath.child("valueFrom"))
            }
        }
        for (index, source) in (container.envFrom ?? []).enumerated() {
            let sourcePath = path.child("envFrom").index(index)
            let count = [source.configMapRef != nil, source.secretRef != nil].filter { $0 }.count
            if count == 0 { add(.invalid(sourcePath, quoting: "", "must specify one of: `configMapRef` or `secretRef`")) }
            if count > 1 { add(.invalid(sourcePath, quoting: "", "may not have more than one field specified at a time")) }
            if let prefix = source.prefix, !prefix.isEmpty, !Names.isEnvVarName(prefix) {
                add(.invalid(sourcePath.child("prefix"), quoting: prefix, Names.envVarMessage))
            }
            for (reference, field) in [(source.configMapRef, "configMapRef"), (source.secretRef, "secretRef")] {
                guard let reference else { continue }
                let name = reference.name ?? ""
                if name.isEmpty { add(.required(sourcePath.child(field).child("name"))) }
                else { addEach(Names.subdomainErrors(name), sourcePath.child(field).child("name"), name) }
            }
        }
    }

    private mutating func validateEnvSource(_ source: EnvVarSource, _ container: Container, _ path: FieldPath) {
        let count = [source.fieldRef != nil, source.configMapKeyRef != nil, source.secretKeyRef != nil, source.resourceFieldRef != nil]
            .filter { $0 }.count
        if count == 0 {
            add(.invalid(path, quoting: "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
        } else if count > 1 {
            add(.invalid(path, quoting: "", "may not have more than one field specified at a time"))
        }
        if let fieldRef = source.fieldRef { validateFieldRef(fieldRef, path.child("fieldRef")) }
        if let resource = source.resourceFieldRef { validateResourceFieldRef(resource, container, path.child("resourceFieldRef")) }
        for (selector, field) in [(source.configMapKeyRef, "configMapKeyRef"), (source.secretKeyRef, "secretKeyRef")] {
            guard let selector else { continue }
            let selectorPath = path.child(field)
            let name = selector.name ?? ""
            if name.isEmpty { add(.required(selectorPath.child("name"))) }
            else { addEach(Names.subdomainErrors(name), selectorPath.child("name"), name) }
            let key = selector.key ?? ""
            if key.isEmpty { add(.required(selectorPath.child("key"))) }
            else { addEach(Names.configKeyErrors(key), selectorPath.child("key"), key) }
        }
    }

    /// `allowed`: the env's fields by default; a volume file's are fewer (volumeFieldRefPaths).
    mutating func validateFieldRef(_ selector: ObjectFieldSelector, _ path: FieldPath, allowed: [String]? = nil) {
        let fieldPath = selector.fieldPath ?? ""
        if fieldPath.isEmpty { add(.required(path.child("fieldPath"))); return }
        if selector.apiVersion != nil && selector.apiVersion != "v1" {
            add(.unsupported(path.child("apiVersion"), selector.apiVersion ?? "", supported: ["v1"]))
        }
        if let key = Self.subscriptKey(fieldPath, "metadata.labels") ?? Self.subscriptKey(fieldPath, "metadata.annotations") {
            addEach(Names.qualifiedNameErrors(key), path.child("fieldPath"), fieldPath)
            return
        }
        let supported = allowed ?? ["metadata.annotations", "metadata.labels"] + Self.fieldRefPaths.sorted()
        if !supported.contains(fieldPath) {
            add(.unsupported(path.child("fieldPath"), fieldPath, supported: supported))
        }
    }

    /// `metadata.labels['app']` → `app`.
    static func subscriptKey(_ fieldPath: String, _ prefix: String) -> String? {
        guard fieldPath.hasPrefix(prefix + "['"), fieldPath.hasSuffix("']") else { return nil }
        return String(fieldPath.dropFirst(prefix.count + 2).dropLast(2))
    }

    /// `container`: the env's own container, the default; nil in a volume, where the
    /// container is not implied and `containerName` is required.
    mutating func validateResourceFieldRef(_ selector: ResourceFieldSelector, _ container: Container?, _ path: FieldPath) {
        let resource = selector.resource ?? ""
        if resource.isEmpty { add(.required(path.child("resource"))) }
        else if !Self.resourceFieldRefs.contains(resource) {
            add(.unsupported(path.child("resource"), resource, supported: Self.resourceFieldRefs))
        }
        if let divisor = selector.divisor, (divisor.decimal ?? 0) <= 0 {
            add(.invalid(path.child("divisor"), quoting: divisor.text, "must be a positive quantity"))
        }
        let other = selector.containerName ?? ""
        if other.isEmpty {
            if container == nil { add(.required(path.child("containerName"))) }
        } else if other != container?.name, !(spec.allContainers.contains { $0.name == other }) {
            add(.invalid(path.child("containerName"), quoting: other, "must be the name of a container of this pod"))
        }
    }
}
