extension PodValidator {
    mutating func validateContainers(volumeNames: Set<String>, _ path: FieldPath) {
        let containers = spec.containers ?? []
        if containers.isEmpty { add(.required(path.child("containers"))) }
        var names = Set<String>()
        var hostPorts = Set<String>()
        for (index, container) in (spec.initContainers ?? []).enumerated() {
            let containerPath = path.child("initContainers").index(index)
            validateContainer(container, containerPath, names: &names, volumeNames: volumeNames, isInit: true)
            if container.isSidecar { checkHostPorts(container, containerPath, &hostPorts) }
        }
        for (index, container) in containers.enumerated() {
            let containerPath = path.child("containers").index(index)
            validateContainer(container, containerPath, names: &names, volumeNames: volumeNames, isInit: false)
            checkHostPorts(container, containerPath, &hostPorts)
        }
    }

    private mutating func validateContainer(_ container: Container, _ path: FieldPath, names: inout Set<String>, volumeNames: Set<String>, isInit: Bool) {
        let name = container.name ?? ""
        if name.isEmpty {
            add(.required(path.child("name")))
        } else {
            addEach(Names.labelErrors(name), path.child("name"), name)
            if !names.insert(name).inserted { add(.duplicate(path.child("name"), name)) }
        }
        let image = container.image ?? ""
        if image.isEmpty {
            add(.required(path.child("image")))
        } else if image.trimmingCharacters(in: " \t\n\r") != image {
            add(.invalid(path.child("image"), quoting: image, "must not have leading or trailing whitespace"))
        }
        checkOneOf(container.imagePullPolicy, ["Always", "IfNotPresent", "Never"], path.child("imagePullPolicy"))
        checkOneOf(container.terminationMessagePolicy, ["File", "FallbackToLogsOnError"], path.child("terminationMessagePolicy"))
        validatePorts(container.ports ?? [], path.child("ports"))
        validateEnv(container, path)
        validateResources(container.resources, path.child("resources"))
        validateVolumeMounts(container.volumeMounts ?? [], volumeNames: volumeNames, path.child("volumeMounts"))
        validateMountPropagation(container, path.child("volumeMounts"))
        validateSecurityContext(container.securityContext, path.child("securityContext"))
        validateRestartRules(container, path, isInit: isInit)
        let probesAllowed = !isInit || container.isSidecar
        validateProbe(container.livenessProbe, container, path.child("livenessProbe"), kind: .liveness, allowed: probesAllowed)
        validateProbe(container.readinessProbe, container, path.child("readinessProbe"), kind: .readiness, allowed: probesAllowed)
        validateProbe(container.startupProbe, container, path.child("startupProbe"), kind: .startup, allowed: probesAllowed)
        validateLifecycle(container, path.child("lifecycle"), allowed: probesAllowed)
    }

    private mutating func validateRestartRules(_ container: Container, _ path: FieldPath, isInit: Bool) {
        guard let policy = container.restartPolicy else { return }
        if !isInit {
            add(.forbidden(path.child("restartPolicy"), "may not be set for non-init containers"))
        } else if policy != "Always" {
            add(.unsupported(path.child("restartPolicy"), policy, supported: ["Always"]))
        }
    }

    mutating func checkOneOf(_ value: String?, _ supported: [String], _ path: FieldPath) {
        guard let value else { return }
        if value.isEmpty { add(.required(path)) }
        else if !supported.contains(value) { add(.unsupported(path, value, supported: supported)) }
    }

    private mutating func validatePorts(_ ports: [ContainerPort], _ path: FieldPath) {
        var names = Set<String>()
        for (index, port) in ports.enumerated() {
            let portPath = path.index(index)
            if let name = port.name, !name.isEmpty {
                for message in Names.portNameErrors(name) { add(.invalid(portPath.child("name"), quoting: name, message)) }
                if !names.insert(name).inserted { add(.duplicate(portPath.child("name"), name)) }
            }
            let number = port.containerPort ?? 0
            if number == 0 { add(.required(portPath.child("containerPort"))) }
            else { checkPortNumber(Int(number), portPath.child("containerPort")) }
            if let hostPort = port.hostPort, hostPort != 0 { checkPortNumber(Int(hostPort), portPath.child("hostPort")) }
            let proto = port.protocol ?? "TCP"
            if !["TCP", "UDP"].contains(proto) {
                add(.unsupported(portPath.child("protocol"), proto, supported: ["TCP", "UDP"]))
            }
            if let hostIP = port.hostIP, !hostIP.isEmpty, !Names.isIP(hostIP) {
                add(.invalid(portPath.child("hostIP"), quoting: hostIP, "must be a valid IP address"))
            }
            if spec.hostNetwork == true, let hostPort = port.hostPort, hostPort != number {
                add(.invalid(portPath.child("hostPort"), hostPort, "must match `containerPort` when `hostNetwork` is true"))
            }
        }
    }

    mutating func checkPortNumber(_ number: Int, _ path: FieldPath) {
        if number < 1 || number > 65535 { add(.invalid(path, number, "must be between 1 and 65535, inclusive")) }
    }

    /// A hostPort may be used once per host IP and protocol in a pod
    /// (`AccumulateUniqueHostPorts`, whose message format this keeps).
    private mutating func checkHostPorts(_ container: Container, _ path: FieldPath, _ seen: inout Set<String>) {
        for (index, port) in (container.ports ?? []).enumerated() {
            guard let hostPort = port.hostPort, hostPort != 0 else { continue }
            let key = "\(port.hostIP ?? "")/\(port.protocol ?? "TCP")/\(hostPort)"
            if !seen.insert(key).inserted { add(.duplicate(path.child("ports").index(index).child("hostPort"), key)) }
        }
    }

    private mutating func validateVolumeMounts(_ mounts: [VolumeMount], volumeNames: Set<String>, _ path: FieldPath) {
        var mountPaths = Set<String>()
        for (index, mount) in mounts.enumerated() {
            let mountPath = path.index(index)
            let name = mount.name ?? ""
            if name.isEmpty { add(.required(mountPath.child("name"))) }
            else if !volumeNames.contains(name) { add(.notFound(mountPath.child("name"), name)) }
            let target = mount.mountPath ?? ""
            if target.isEmpty {
                add(.required(mountPath.child("mountPath")))
            } else {
                let cleaned = MountPaths.cleaned(target)
                if !target.hasPrefix("/") { add(.invalid(mountPath.child("mountPath"), quoting: target, "must be an absolute path")) }
                else if let problem = MountPaths.problem(cleaned) { add(.invalid(mountPath.child("mountPath"), quoting: target, problem)) }
                if !mountPaths.insert(cleaned).inserted { add(.invalid(mountPath.child("mountPath"), quoting: target, "must be unique")) }
            }
            if let subPath = mount.subPath, !subPath.isEmpty {
                addEach(Names.relativePathErrors(subPath), mountPath.child("subPath"), subPath)
            }
        }
    }
}

extension PodValidator {
    /// The apiserver's rules (validateMountPropagation, validateMountRecursiveReadOnly):
    /// Bidirectional only for a privileged container; a recursive read-only mount must be
    /// read-only and private.
    mutating func validateMountPropagation(_ container: Container, _ path: FieldPath) {
        for (index, mount) in (container.volumeMounts ?? []).enumerated() {
            let mountPath = path.index(index)
            checkOneOf(mount.mountPropagation, ["None", "HostToContainer", "Bidirectional"], mountPath.child("mountPropagation"))
            checkOneOf(mount.recursiveReadOnly, ["Disabled", "IfPossible", "Enabled"], mountPath.child("recursiveReadOnly"))
            if mount.mountPropagation == "Bidirectional" && container.securityContext?.privileged != true {
                add(.forbidden(mountPath.child("mountPropagation"), "Bidirectional mount propagation is available only to privileged containers"))
            }
            guard let recursive = mount.recursiveReadOnly, recursive == "IfPossible" || recursive == "Enabled" else { continue }
            if mount.readOnly != true { add(.forbidden(mountPath.child("recursiveReadOnly"), "may only be specified when readOnly is true")) }
            if let propagation = mount.mountPropagation, propagation != "None" {
                add(.forbidden(mountPath.child("recursiveReadOnly"), "may only be specified when mountPropagation is None or not specified"))
            }
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let drop: (Character) -> Bool = { set.contains($0) }
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}
