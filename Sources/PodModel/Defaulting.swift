/// The defaults the Kubernetes API server writes into a pod on create
/// (`pkg/apis/core/v1/defaults.go`), so that validation, hashing and the runtime see
/// what a cluster would run.
extension Pod {
    public func withDefaults() -> Pod {
        var pod = self
        if pod.spec != nil { pod.spec!.applyDefaults() }
        return pod
    }
}

extension PodSpec {
    mutating func applyDefaults() {
        if restartPolicy == nil || restartPolicy == "" { restartPolicy = "Always" }
        if terminationGracePeriodSeconds == nil { terminationGracePeriodSeconds = 30 }
        if dnsPolicy == nil || dnsPolicy == "" { dnsPolicy = "ClusterFirst" }
        if securityContext == nil { securityContext = PodSecurityContext() }
        let hostNetwork = self.hostNetwork == true
        containers = containers?.map { $0.withDefaults(hostNetwork: hostNetwork) }
        initContainers = initContainers?.map { $0.withDefaults(hostNetwork: hostNetwork) }
        volumes = volumes?.map { $0.withDefaults() }
    }
}

extension Container {
    func withDefaults(hostNetwork: Bool) -> Container {
        var container = self
        if container.imagePullPolicy == nil || container.imagePullPolicy == "" {
            container.imagePullPolicy = ImageReference.tag(of: image ?? "") == "latest" ? "Always" : "IfNotPresent"
        }
        if container.terminationMessagePath == nil { container.terminationMessagePath = "/dev/termination-log" }
        if container.terminationMessagePolicy == nil { container.terminationMessagePolicy = "File" }
        container.ports = container.ports?.map { port in
            var port = port
            if port.protocol == nil || port.protocol == "" { port.protocol = "TCP" }
            // With hostNetwork the container port is the host port (SetDefaults_PodSpec).
            if hostNetwork && (port.hostPort ?? 0) == 0 { port.hostPort = port.containerPort }
            return port
        }
        container.env = container.env?.map { variable in
            var variable = variable
            if variable.valueFrom?.fieldRef != nil && variable.valueFrom?.fieldRef?.apiVersion == nil {
                variable.valueFrom?.fieldRef?.apiVersion = "v1"
            }
            return variable
        }
        // A limit without a request: the request is the limit (SetDefaults_Pod).
        if var resources = container.resources, let limits = resources.limits {
            var requests = resources.requests ?? [:]
            for (name, limit) in limits where requests[name] == nil { requests[name] = limit }
            resources.requests = requests
            container.resources = resources
        }
        container.livenessProbe = container.livenessProbe?.withDefaults()
        container.readinessProbe = container.readinessProbe?.withDefaults()
        container.startupProbe = container.startupProbe?.withDefaults()
        if var lifecycle = container.lifecycle {
            let postStart = lifecycle.postStart?.httpGet?.withDefaults()
            let preStop = lifecycle.preStop?.httpGet?.withDefaults()
            lifecycle.postStart?.httpGet = postStart
            lifecycle.preStop?.httpGet = preStop
            container.lifecycle = lifecycle
        }
        return container
    }
}

extension Probe {
    func withDefaults() -> Probe {
        var probe = self
        if (probe.timeoutSeconds ?? 0) == 0 { probe.timeoutSeconds = 1 }
        if (probe.periodSeconds ?? 0) == 0 { probe.periodSeconds = 10 }
        if (probe.successThreshold ?? 0) == 0 { probe.successThreshold = 1 }
        if (probe.failureThreshold ?? 0) == 0 { probe.failureThreshold = 3 }
        probe.httpGet = probe.httpGet?.withDefaults()
        return probe
    }
}

extension HTTPGetAction {
    func withDefaults() -> HTTPGetAction {
        var action = self
        if action.path == nil || action.path == "" { action.path = "/" }
        if action.scheme == nil || action.scheme == "" { action.scheme = "HTTP" }
        return action
    }
}

extension Volume {
    func withDefaults() -> Volume {
        var volume = self
        // A volume with no source is an emptyDir (SetDefaults_Volume).
        if volume.sourceCount == 0 { volume.emptyDir = EmptyDirVolumeSource() }
        if volume.configMap != nil && volume.configMap?.defaultMode == nil { volume.configMap?.defaultMode = 0o644 }
        if volume.secret != nil && volume.secret?.defaultMode == nil { volume.secret?.defaultMode = 0o644 }
        if volume.downwardAPI != nil && volume.downwardAPI?.defaultMode == nil { volume.downwardAPI?.defaultMode = 0o644 }
        if volume.projected != nil && volume.projected?.defaultMode == nil { volume.projected?.defaultMode = 0o644 }
        return volume
    }
}
