extension Manifest {
    /// Checks across the objects of one apply: no object twice. A ConfigMap or Secret a
    /// pod names need not be in the apply: it may be stored already, or come later (the
    /// pod then waits, as a kubelet's would: D5, D58).
    static func checkSet(_ set: inout ManifestSet) {
        var seen = Set<String>()
        for index in set.objects.indices {
            let object = set.objects[index]
            let key = "\(object.kind)/\(object.namespace)/\(object.name)"
            if !object.name.isEmpty && !seen.insert(key).inserted {
                set.objects[index].errors.append(.duplicate(FieldPath("metadata.name"), object.name))
            }
        }
    }

    /// One place a pod names a ConfigMap or a Secret.
    public struct Reference: Sendable, Equatable {
        /// How the kubelet reads it, which decides what a missing one does: a missing
        /// env source is the container's `CreateContainerConfigError`, a missing volume
        /// source fails the volume's mount (`FailedMount`, the pod stays ContainerCreating).
        public enum Use: Sendable, Equatable {
            /// `env[].valueFrom` of the container, for one key.
            case env(container: String, key: String)
            /// `envFrom[]` of the container: every key.
            case envFrom(container: String)
            /// A `configMap`, `secret` or `projected` volume, with the keys its `items` name.
            case volume(name: String, keys: [String])
        }

        public let kind: String
        public let name: String
        public let optional: Bool
        public let path: FieldPath
        public let use: Use
    }

    public static func references(of pod: Pod) -> [Reference] {
        var result: [Reference] = []
        let spec = FieldPath("spec")
        for (index, volume) in (pod.spec?.volumes ?? []).enumerated() {
            let path = spec.child("volumes").index(index)
            let use = { (items: [KeyToPath]?) in Reference.Use.volume(name: volume.name ?? "", keys: (items ?? []).compactMap(\.key)) }
            if let source = volume.configMap {
                result.append(Reference(kind: "ConfigMap", name: source.name ?? "", optional: source.optional == true, path: path.child("configMap").child("name"), use: use(source.items)))
            }
            if let source = volume.secret {
                result.append(Reference(kind: "Secret", name: source.secretName ?? "", optional: source.optional == true, path: path.child("secret").child("secretName"), use: use(source.items)))
            }
            for (sourceIndex, source) in (volume.projected?.sources ?? []).enumerated() {
                let sourcePath = path.child("projected").child("sources").index(sourceIndex)
                if let configMap = source.configMap {
                    result.append(Reference(kind: "ConfigMap", name: configMap.name ?? "", optional: configMap.optional == true, path: sourcePath.child("configMap").child("name"), use: use(configMap.items)))
                }
                if let secret = source.secret {
                    result.append(Reference(kind: "Secret", name: secret.name ?? "", optional: secret.optional == true, path: sourcePath.child("secret").child("name"), use: use(secret.items)))
                }
            }
        }
        for (field, containers) in [("initContainers", pod.spec?.initContainers ?? []), ("containers", pod.spec?.containers ?? [])] {
            for (index, container) in containers.enumerated() {
                result += references(of: container, spec.child(field).index(index))
            }
        }
        return result
    }

    private static func references(of container: Container, _ path: FieldPath) -> [Reference] {
        var result: [Reference] = []
        let name = container.name ?? ""
        for (index, variable) in (container.env ?? []).enumerated() {
            let sourcePath = path.child("env").index(index).child("valueFrom")
            if let selector = variable.valueFrom?.configMapKeyRef {
                result.append(Reference(kind: "ConfigMap", name: selector.name ?? "", optional: selector.optional == true,
                                        path: sourcePath.child("configMapKeyRef").child("name"), use: .env(container: name, key: selector.key ?? "")))
            }
            if let selector = variable.valueFrom?.secretKeyRef {
                result.append(Reference(kind: "Secret", name: selector.name ?? "", optional: selector.optional == true,
                                        path: sourcePath.child("secretKeyRef").child("name"), use: .env(container: name, key: selector.key ?? "")))
            }
        }
        for (index, source) in (container.envFrom ?? []).enumerated() {
            let sourcePath = path.child("envFrom").index(index)
            if let reference = source.configMapRef {
                result.append(Reference(kind: "ConfigMap", name: reference.name ?? "", optional: reference.optional == true, path: sourcePath.child("configMapRef").child("name"), use: .envFrom(container: name)))
            }
            if let reference = source.secretRef {
                result.append(Reference(kind: "Secret", name: reference.name ?? "", optional: reference.optional == true, path: sourcePath.child("secretRef").child("name"), use: .envFrom(container: name)))
            }
        }
        return result
    }
}
