public struct Volume: Codable, Equatable, Sendable {
    public var name: String?
    public var emptyDir: EmptyDirVolumeSource?
    public var hostPath: HostPathVolumeSource?
    public var configMap: ConfigMapVolumeSource?
    public var secret: SecretVolumeSource?
    public var downwardAPI: DownwardAPIVolumeSource?
    public var projected: ProjectedVolumeSource?
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?

    /// How many sources this volume names; exactly one is valid.
    var sourceCount: Int {
        [emptyDir != nil, hostPath != nil, configMap != nil, secret != nil, downwardAPI != nil, projected != nil,
         persistentVolumeClaim != nil].filter { $0 }.count
    }
}

public struct EmptyDirVolumeSource: Codable, Equatable, Sendable {
    /// "" (the node's disk: here, the pod's state directory) or "Memory" (tmpfs).
    public var medium: String?
    public var sizeLimit: Quantity?
}

public struct HostPathVolumeSource: Codable, Equatable, Sendable {
    public var path: String?
    public var type: String?
}

public struct ConfigMapVolumeSource: Codable, Equatable, Sendable {
    public var name: String?
    public var items: [KeyToPath]?
    public var defaultMode: Int32?
    public var optional: Bool?
}

public struct SecretVolumeSource: Codable, Equatable, Sendable {
    public var secretName: String?
    public var items: [KeyToPath]?
    public var defaultMode: Int32?
    public var optional: Bool?
}

public struct KeyToPath: Codable, Equatable, Sendable {
    public var key: String?
    public var path: String?
    public var mode: Int32?
}
