/// A Kubernetes `v1 Pod`, as the API defines it. Fields are optional, as in the API's
/// JSON (Go pointers and `omitempty`): defaulting (`Pod.applyingDefaults`) fills what the
/// API server would fill, and validation reports what is missing with its field path.
/// JSON names are the Swift names, so `Codable` output is the Kubernetes wire format.
public struct Pod: Codable, Equatable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var spec: PodSpec?

    public init(apiVersion: String? = "v1", kind: String? = "Pod", metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
    }

    public var name: String { metadata?.name ?? "" }
    public var namespace: String { metadata?.namespace ?? "default" }
}

public struct ObjectMeta: Codable, Equatable, Sendable {
    public var name: String?
    public var namespace: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?

    public init(name: String? = nil, namespace: String? = nil, labels: [String: String]? = nil, annotations: [String: String]? = nil) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }
}

public struct PodSpec: Codable, Equatable, Sendable {
    public var containers: [Container]?
    public var initContainers: [Container]?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var activeDeadlineSeconds: Int64?
    public var hostname: String?
    public var subdomain: String?
    public var shareProcessNamespace: Bool?
    public var hostNetwork: Bool?
    public var hostPID: Bool?
    public var hostIPC: Bool?
    public var hostUsers: Bool?
    public var hostAliases: [HostAlias]?
    public var dnsPolicy: String?
    public var dnsConfig: PodDNSConfig?
    public var volumes: [Volume]?
    public var securityContext: PodSecurityContext?
    public var os: PodOSSelector?

    public init(containers: [Container]? = nil) {
        self.containers = containers
    }

    /// Init containers and app containers, in the order the kubelet starts them.
    public var allContainers: [Container] { (initContainers ?? []) + (containers ?? []) }
}

/// `spec.os`: only `linux` runs here.
public struct PodOSSelector: Codable, Equatable, Sendable {
    public var name: String?
}

public struct HostAlias: Codable, Equatable, Sendable {
    public var ip: String?
    public var hostnames: [String]?
}

public struct PodDNSConfig: Codable, Equatable, Sendable {
    public var nameservers: [String]?
    public var searches: [String]?
    public var options: [PodDNSConfigOption]?

    public init(nameservers: [String]? = nil, searches: [String]? = nil, options: [PodDNSConfigOption]? = nil) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }
}

public struct PodDNSConfigOption: Codable, Equatable, Sendable {
    public var name: String?
    public var value: String?

    public init(name: String? = nil, value: String? = nil) {
        self.name = name
        self.value = value
    }
}
