extension Manifest {
    /// Checks across the objects of one apply: no object twice, and every ConfigMap or
    /// Secret a pod needs is in the apply (podctl has no API server to find it in).
    static func checkSet(_ set: inout ManifestSet) {
        var seen = Set<String>()
        for index in set.objects.indices {
            let object = set.objects[index]
            let key = "\(object.kind)/\(object.namespace)/\(object.name)"
            if !object.name.isEmpty && !seen.insert(key).inserted {
                set.objects[index].errors.append(.duplicate(FieldPath("metadata.name"), object.name))
            }
        }
        let available = Set(set.objects.filter { $0.errors.isEmpty }.map { "\($0.kind)/\($0.namespace)/\($0.name)" })
        for index in set.objects.indices {
            guard set.objects[index].errors.isEmpty, let pod = set.objects[index].pod else { continue }
            set.objects[index].errors = references(of: pod).compactMap { reference in
                let key = "\(reference.kind)/\(pod.namespace)/\(reference.name)"
                if reference.optional || available.contains(key) { return nil }
                return FieldError(path: reference.path, kind: .notFound, value: "\"\(reference.name)\"",
                                  detail: "no \(reference.kind) \"\(reference.name)\" in namespace \(pod.namespace) in this apply: podctl takes ConfigMaps and Secrets from the same input (or mark the reference optional)")
            }
        }
    }

    struct Reference {
        let kind: String
        let name: String
        let optional: Bool
        let path: FieldPath
    }

    static func references(of pod: Pod) -> [Reference] {
        var result: [Reference] = []
        let spec = FieldPath("spec")
        for (index, volume) in (pod.spec?.volumes ?? []).enumerated() {
            let path = spec.child("volumes").index(index)
            if let source = volume.configMap {
                result.append(Reference(kind: "ConfigMap", name: source.name ?? "", optional: source.optional == true, path: path.child("configMap").child("name")))
            }
            if let source = volume.secret {
                result.append(Reference(kind: "Secret", name: source.secretName ?? "", optional: source.optional == true, path: path.child("secret").child("secretName")))
            }
            for (sourceIndex, source) in (volume.projected?.sources ?? []).enumerated() {
                let sourcePath = path.child("projected").child("sources").index(sourceIndex)
                if let configMap = source.configMap {
                    result.append(Reference(kind: "ConfigMap", name: configMap.name ?? "", optional: configMap.optional == true, path: sourcePath.child("configMap").child("name")))
                }
                if let secret = source.secret {
                    result.append(Reference(kind: "Secret", name: secret.name ?? "", optional: secret.optional == true, path: sourcePath.child("secret").child("name")))
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
        for (index, variable) in (container.env ?? []).enumerated() {
            let sourcePath = path.child("env").index(index).child("valueFrom")
            if let selector = variable.valueFrom?.configMapKeyRef {
                result.append(Reference(kind: "ConfigMap", name: selector.name ?? "", optional: selector.optional == true, path: sourcePath.child("configMapKeyRef").child("name")))
            }
            if let selector = variable.valueFrom?.secretKeyRef {
                result.append(Reference(kind: "Secret", name: selector.name ?? "", optional: selector.optional == true, path: sourcePath.child("secretKeyRef").child("name")))
            }
        }
        for (index, source) in (container.envFrom ?? []).enumerated() {
            let sourcePath = path.child("envFrom").index(index)
            if let reference = source.configMapRef {
                result.append(Reference(kind: "ConfigMap", name: reference.name ?? "", optional: reference.optional == true, path: sourcePath.child("configMapRef").child("name")))
            }
            if let reference = source.secretRef {
                result.append(Reference(kind: "Secret", name: reference.name ?? "", optional: reference.optional == true, path: sourcePath.child("secretRef").child("name")))
            }
        }
        return result
    }
}

