public struct PodSecurityContext: Codable, Equatable, Sendable {
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    public var supplementalGroups: [Int64]?
    /// `Merge` (the default: the user's groups in the image's /etc/group too) or `Strict`
    /// (only runAsGroup, supplementalGroups and fsGroup), Kubernetes 1.31+.
    public var supplementalGroupsPolicy: String?
    public var fsGroup: Int64?
    public var sysctls: [Sysctl]?
    public var seccompProfile: SeccompProfile?

    public init() {}
}

public struct SecurityContext: Codable, Equatable, Sendable {
    public var capabilities: Capabilities?
    public var privileged: Bool?
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    public var readOnlyRootFilesystem: Bool?
    public var allowPrivilegeEscalation: Bool?
    public var procMount: String?
    public var seccompProfile: SeccompProfile?

    public init() {}
}

public struct Capabilities: Codable, Equatable, Sendable {
    public var add: [String]?
    public var drop: [String]?
}

public struct SeccompProfile: Codable, Equatable, Sendable {
    public var type: String?
    public var localhostProfile: String?
}

public struct Sysctl: Codable, Equatable, Sendable {
    public var name: String?
    public var value: String?

    public init(name: String? = nil, value: String? = nil) {
        self.name = name
        self.value = value
    }
}
