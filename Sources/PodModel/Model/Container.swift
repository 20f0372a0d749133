public struct Container: Codable, Equatable, Sendable {
    public var name: String?
    public var image: String?
    public var imagePullPolicy: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var env: [EnvVar]?
    public var envFrom: [EnvFromSource]?
    public var ports: [ContainerPort]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var securityContext: SecurityContext?
    public var livenessProbe: Probe?
    public var readinessProbe: Probe?
    public var startupProbe: Probe?
    public var lifecycle: Lifecycle?
    public var stdin: Bool?
    public var stdinOnce: Bool?
    public var tty: Bool?
    /// Only on init containers, and only `Always`: that makes a sidecar.
    public var restartPolicy: String?
    public var terminationMessagePath: String?
    public var terminationMessagePolicy: String?

    public init(name: String? = nil, image: String? = nil) {
        self.name = name
        self.image = image
    }

    /// An init container with `restartPolicy: Always` (Kubernetes 1.29+ sidecars).
    public var isSidecar: Bool { restartPolicy == "Always" }
}

public struct ContainerPort: Codable, Equatable, Sendable {
    public var name: String?
    public var containerPort: Int32?
    public var hostPort: Int32?
    public var hostIP: String?
    public var `protocol`: String?

    public init(containerPort: Int32? = nil, hostPort: Int32? = nil, name: String? = nil, protocol: String? = nil) {
        self.containerPort = containerPort
        self.hostPort = hostPort
        self.name = name
        self.protocol = `protocol`
    }
}

public struct EnvVar: Codable, Equatable, Sendable {
    public var name: String?
    public var value: String?
    public var valueFrom: EnvVarSource?
}

public struct EnvVarSource: Codable, Equatable, Sendable {
    public var fieldRef: ObjectFieldSelector?
    public var configMapKeyRef: KeySelector?
    public var secretKeyRef: KeySelector?
    public var resourceFieldRef: ResourceFieldSelector?
}

public struct ObjectFieldSelector: Codable, Equatable, Sendable {
    public var apiVersion: String?
    public var fieldPath: String?
}

public struct ResourceFieldSelector: Codable, Equatable, Sendable {
    public var containerName: String?
    public var resource: String?
    public var divisor: Quantity?
}

/// `configMapKeyRef` / `secretKeyRef`: a key of a ConfigMap or Secret given in the same apply.
public struct KeySelector: Codable, Equatable, Sendable {
    public var name: String?
    public var key: String?
    public var optional: Bool?
}

public struct EnvFromSource: Codable, Equatable, Sendable {
    public var prefix: String?
    public var configMapRef: ObjectReference?
    public var secretRef: ObjectReference?
}

public struct ObjectReference: Codable, Equatable, Sendable {
    public var name: String?
    public var optional: Bool?
}

public struct ResourceRequirements: Codable, Equatable, Sendable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?
}

public struct VolumeMount: Codable, Equatable, Sendable {
    public var name: String?
    public var mountPath: String?
    public var subPath: String?
    public var readOnly: Bool?
    /// `None` (private), `HostToContainer` (rslave), `Bidirectional` (rshared).
    public var mountPropagation: String?
    /// `Disabled`, `IfPossible`, `Enabled` (Kubernetes 1.30).
    public var recursiveReadOnly: String?
}
