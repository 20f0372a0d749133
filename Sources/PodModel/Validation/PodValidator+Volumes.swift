extension PodValidator {
    static let hostPathTypes = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"]

    /// Validates the volumes and returns the valid names, for the mounts to refer to.
    mutating func validateVolumes(_ volumes: [Volume], _ path: FieldPath) -> Set<String> {
        var names = Set<String>()
        for (index, volume) in volumes.enumerated() {
            let volumePath = path.index(index)
            let name = volume.name ?? ""
            if name.isEmpty {
                add(.required(volumePath.child("name")))
            } else {
                addEach(Names.labelErrors(name), volumePath.child("name"), name)
                if !names.insert(name).inserted { add(.duplicate(volumePath.child("name"), name)) }
            }
            if volume.sourceCount > 1 { add(.forbidden(volumePath, "may not specify more than 1 volume type")) }
            if volume.sourceCount == 0 { add(.required(volumePath, "must specify a volume type")) }
            if let emptyDir = volume.emptyDir { validateEmptyDir(emptyDir, volumePath.child("emptyDir")) }
            if let hostPath = volume.hostPath { validateHostPath(hostPath, volumePath.child("hostPath")) }
            if let source = volume.configMap {
                validateProjection(name: source.name, nameField: "name", items: source.items, mode: source.defaultMode, volumePath.child("configMap"))
            }
            if let source = volume.secret {
                validateProjection(name: source.secretName, nameField: "secretName", items: source.items, mode: source.defaultMode, volumePath.child("secret"))
            }
            if let source = volume.downwardAPI { validateDownwardAPIVolume(source, volumePath.child("downwardAPI")) }
            if let source = volume.projected { validateProjectedVolume(source, volumePath.child("projected")) }
            if let source = volume.persistentVolumeClaim { validateClaimSource(source, volumePath.child("persistentVolumeClaim")) }
        }
        return names
    }

    private mutating func validateEmptyDir(_ source: EmptyDirVolumeSource, _ path: FieldPath) {
        let medium = source.medium ?? ""
        if medium != "" && medium != "Memory" {
            add(.unsupported(path.child("medium"), medium, supported: ["", "Memory"]))
        }
        if let limit = source.sizeLimit {
            guard let value = limit.decimal else {
                add(.invalid(path.child("sizeLimit"), quoting: limit.text, Self.quantityMessage))
                return
            }
            if value <= 0 { add(.invalid(path.child("sizeLimit"), quoting: limit.text, "must be greater than zero")) }
        }
    }

    private mutating func validateHostPath(_ source: HostPathVolumeSource, _ path: FieldPath) {
        let hostPath = source.path ?? ""
        if hostPath.isEmpty {
            add(.required(path.child("path")))
        } else if !hostPath.hasPrefix("/") {
            add(.invalid(path.child("path"), quoting: hostPath, "must be an absolute path"))
        } else if hostPath.split(separator: "/").contains("..") {
            add(.invalid(path.child("path"), quoting: hostPath, "must not contain '..'"))
        }
        if let type = source.type, !Self.hostPathTypes.contains(type) {
            add(.unsupported(path.child("type"), type, supported: Self.hostPathTypes))
        }
    }

    mutating func validateProjection(name: String?, nameField: String, items: [KeyToPath]?, mode: Int32?, _ path: FieldPath) {
        let sourceName = name ?? ""
        if sourceName.isEmpty { add(.required(path.child(nameField))) }
        else { addEach(Names.subdomainErrors(sourceName), path.child(nameField), sourceName) }
        checkFileMode(mode, path.child("defaultMode"))
        for (index, item) in (items ?? []).enumerated() {
            let itemPath = path.child("items").index(index)
            let key = item.key ?? ""
            if key.isEmpty { add(.required(itemPath.child("key"))) }
            else { addEach(Names.configKeyErrors(key), itemPath.child("key"), key) }
            let target = item.path ?? ""
            if target.isEmpty { add(.required(itemPath.child("path"))) }
            else { addEach(Names.relativePathErrors(target), itemPath.child("path"), target) }
            checkFileMode(item.mode, itemPath.child("mode"))
        }
    }

    /// Kubernetes only requires claimName; here it names a directory under the state root,
    /// so it must also be a valid claim name (a DNS subdomain), which any claim's name is.
    private mutating func validateClaimSource(_ source: PersistentVolumeClaimVolumeSource, _ path: FieldPath) {
        let claimName = source.claimName ?? ""
        if claimName.isEmpty { add(.required(path.child("claimName"))) }
        else { addEach(Names.subdomainErrors(claimName), path.child("claimName"), claimName) }
    }

    mutating func checkFileMode(_ mode: Int32?, _ path: FieldPath) {
        guard let mode else { return }
        if mode < 0 || mode > 0o777 {
            add(.invalid(path, mode, "must be a number between 0 and 0777 (octal), both inclusive"))
        }
    }
}
