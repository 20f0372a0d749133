import Foundation

/// Validation of the ConfigMaps and Secrets given with pods (`ValidateConfigMap`, `ValidateSecret`).
enum ConfigValidator {
    static func validate(_ map: ConfigMap) -> [FieldError] {
        var errors = metadataErrors(map.metadata)
        var keys = Set<String>()
        for (field, entries) in [("data", map.data ?? [:]), ("binaryData", map.binaryData ?? [:])] {
            for key in entries.keys.sorted() {
                if !Names.isConfigKey(key) { errors.append(.invalid(FieldPath(field), quoting: key, Names.configKeyMessage)) }
                if !keys.insert(key).inserted { errors.append(.invalid(FieldPath(field), quoting: key, "duplicate of key present in data")) }
                if field == "binaryData", Data(base64Encoded: entries[key] ?? "") == nil {
                    errors.append(.invalid(FieldPath(field).key(key), quoting: "<binary data redacted>", "illegal base64 data"))
                }
            }
        }
        return errors
    }

    static func validate(_ secret: Secret) -> [FieldError] {
        var errors = metadataErrors(secret.metadata)
        for (key, value) in (secret.data ?? [:]).sorted(by: { $0.key < $1.key }) {
            if !Names.isConfigKey(key) { errors.append(.invalid(FieldPath("data"), quoting: key, Names.configKeyMessage)) }
            if Data(base64Encoded: value) == nil {
                errors.append(.invalid(FieldPath("data").key(key), quoting: "<secret contents redacted>", "illegal base64 data"))
            }
        }
        for key in (secret.stringData ?? [:]).keys.sorted() where !Names.isConfigKey(key) {
            errors.append(.invalid(FieldPath("stringData"), quoting: key, Names.configKeyMessage))
        }
        return errors
    }

    static func metadataErrors(_ meta: ObjectMeta?) -> [FieldError] {
        // The namespace as a pod's (ValidateObjectMeta): a bad one would otherwise only
        // show as the references that cannot find the object.
        let namespace = meta?.namespace ?? ""
        let namespaceErrors = namespace.isEmpty ? [] : Names.labelErrors(namespace).map { FieldError.invalid(FieldPath("metadata").child("namespace"), quoting: namespace, $0) }
        let name = meta?.name ?? ""
        if name.isEmpty { return [.required(FieldPath("metadata.name"), "name or generateName is required")] + namespaceErrors }
        return Names.subdomainErrors(name).map { .invalid(FieldPath("metadata").child("name"), quoting: name, $0) } + namespaceErrors
    }
}
