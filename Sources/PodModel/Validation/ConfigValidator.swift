import Foundation

/// Validation of the ConfigMaps and Secrets given with pods (`ValidateConfigMap`, `ValidateSecret`).
public enum ConfigValidator {
    public static func validate(_ map: ConfigMap) -> [FieldError] {
        var errors = metadataErrors(map.metadata)
        var keys = Set<String>()
        for (field, entries) in [("data", map.data ?? [:]), ("binaryData", map.binaryData ?? [:])] {
            for key in entries.keys.sorted() {
                errors += Names.configKeyErrors(key).map { .invalid(FieldPath(field), quoting: key, $0) }
                if !keys.insert(key).inserted { errors.append(.invalid(FieldPath(field), quoting: key, "duplicate of key present in data")) }
                if field == "binaryData", Data(base64Encoded: entries[key] ?? "") == nil {
                    errors.append(.invalid(FieldPath(field).key(key), quoting: "<binary data redacted>", "illegal base64 data"))
                }
            }
        }
        let size = (map.data ?? [:]).values.reduce(0) { $0 + $1.utf8.count }
            + (map.binaryData ?? [:]).values.reduce(0) { $0 + (Data(base64Encoded: $1)?.count ?? 0) }
        if size > maxSize { errors.append(.tooLong(FieldPath("data"), maxSize)) }
        return errors
    }

    /// A valid ConfigMap or Secret key (`IsConfigMapKey`).
    public static func isKey(_ key: String) -> Bool { Names.configKeyErrors(key).isEmpty }

    /// `MaxSecretSize`, which the API server applies to ConfigMaps too: 1 MiB of values.
    public static let maxSize = 1 << 20

    public static func validate(_ secret: Secret) -> [FieldError] {
        var errors = metadataErrors(secret.metadata)
        for (key, value) in (secret.data ?? [:]).sorted(by: { $0.key < $1.key }) {
            errors += Names.configKeyErrors(key).map { .invalid(FieldPath("data"), quoting: key, $0) }
            if Data(base64Encoded: value) == nil {
                errors.append(.invalid(FieldPath("data").key(key), quoting: "<secret contents redacted>", "illegal base64 data"))
            }
        }
        for key in (secret.stringData ?? [:]).keys.sorted() {
            errors += Names.configKeyErrors(key).map { .invalid(FieldPath("stringData"), quoting: key, $0) }
        }
        // stringData is merged into data before the API server validates the size.
        var sizes = (secret.data ?? [:]).mapValues { Data(base64Encoded: $0)?.count ?? 0 }
        for (key, value) in secret.stringData ?? [:] { sizes[key] = value.utf8.count }
        if sizes.values.reduce(0, +) > maxSize { errors.append(.tooLong(FieldPath("data"), maxSize)) }
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
