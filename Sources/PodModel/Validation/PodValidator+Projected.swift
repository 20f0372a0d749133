/// `downwardAPI` and `projected` volumes, as the API server validates them
/// (pkg/apis/core/validation: validateDownwardAPIVolumeFile, validateProjectionSources).
extension PodValidator {
    /// A volume file may show only these (validVolumeDownwardAPIFieldPathExpressions); the
    /// pod and host IPs, node and service account names are env-only.
    static let volumeFieldRefPaths = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"]

    mutating func validateDownwardAPIVolume(_ source: DownwardAPIVolumeSource, _ path: FieldPath) {
        checkFileMode(source.defaultMode, path.child("defaultMode"))
        var seen = Set<String>()
        for (index, file) in (source.items ?? []).enumerated() {
            validateDownwardAPIFile(file, path.child("items").index(index), seen: &seen)
        }
    }

    mutating func validateProjectedVolume(_ source: ProjectedVolumeSource, _ path: FieldPath) {
        checkFileMode(source.defaultMode, path.child("defaultMode"))
        // Paths are unique across every source: they share one directory.
        var seen = Set<String>()
        for (index, projection) in (source.sources ?? []).enumerated() {
            let sourcePath = path.child("sources").index(index)
            if projection.sourceCount > 1 { add(.forbidden(sourcePath, "may not specify more than 1 volume type per source")) }
            if projection.sourceCount == 0 { add(.required(sourcePath, "must specify a volume type")) }
            if let configMap = projection.configMap {
                validateProjection(name: configMap.name, nameField: "name", items: configMap.items, mode: nil, sourcePath.child("configMap"))
                checkUnique(configMap.items?.map(\.path) ?? [], sourcePath.child("configMap").child("items"), seen: &seen)
            }
            if let secret = projection.secret {
                validateProjection(name: secret.name, nameField: "name", items: secret.items, mode: nil, sourcePath.child("secret"))
                checkUnique(secret.items?.map(\.path) ?? [], sourcePath.child("secret").child("items"), seen: &seen)
            }
            for (fileIndex, file) in (projection.downwardAPI?.items ?? []).enumerated() {
                validateDownwardAPIFile(file, sourcePath.child("downwardAPI").child("items").index(fileIndex), seen: &seen)
            }
        }
    }

    private mutating func checkUnique(_ paths: [String?], _ path: FieldPath, seen: inout Set<String>) {
        for (index, target) in paths.enumerated() { checkUnique(target, path.index(index).child("path"), seen: &seen) }
    }

    private mutating func checkUnique(_ target: String?, _ path: FieldPath, seen: inout Set<String>) {
        guard let target, !target.isEmpty, !seen.insert(target).inserted else { return }
        add(.invalid(path, quoting: target, "conflicting duplicate paths"))
    }

    private mutating func validateDownwardAPIFile(_ file: DownwardAPIVolumeFile, _ path: FieldPath, seen: inout Set<String>) {
        let target = file.path ?? ""
        if target.isEmpty { add(.required(path.child("path"))) }
        else { addEach(Names.nonReservedPathErrors(target), path.child("path"), target) }
        checkUnique(file.path, path.child("path"), seen: &seen)
        checkFileMode(file.mode, path.child("mode"))
        switch (file.fieldRef, file.resourceFieldRef) {
        case let (field?, nil): validateFieldRef(field, path.child("fieldRef"), allowed: Self.volumeFieldRefPaths)
        case let (nil, resource?): validateResourceFieldRef(resource, nil, path.child("resourceFieldRef"))
        case (nil, nil): add(.required(path, "one of fieldRef and resourceFieldRef is required"))
        case (_?, _?): add(.invalid(path, quoting: "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
        }
    }
}
