/// `downwardAPI` volume: pod fields and container resources as files (core/v1 DownwardAPIVolumeSource).
public struct DownwardAPIVolumeSource: Codable, Equatable, Sendable {
    public var items: [DownwardAPIVolumeFile]?
    public var defaultMode: Int32?
}

/// One file of a downward API volume: exactly one of `fieldRef` and `resourceFieldRef`.
public struct DownwardAPIVolumeFile: Codable, Equatable, Sendable {
    public var path: String?
    public var fieldRef: ObjectFieldSelector?
    public var resourceFieldRef: ResourceFieldSelector?
    public var mode: Int32?
}

/// `projected` volume: several sources written into one directory (core/v1 ProjectedVolumeSource).
public struct ProjectedVolumeSource: Codable, Equatable, Sendable {
    public var sources: [VolumeProjection]?
    public var defaultMode: Int32?
}

/// One source of a projected volume. `serviceAccountToken` and `clusterTrustBundle` are not
/// modelled: the decoder refuses them (FieldSupport), as no API server issues them here.
public struct VolumeProjection: Codable, Equatable, Sendable {
    public var configMap: ConfigMapProjection?
    public var secret: SecretProjection?
    public var downwardAPI: DownwardAPIProjection?

    var sourceCount: Int {
        [configMap != nil, secret != nil, downwardAPI != nil].filter { $0 }.count
    }
}

public struct ConfigMapProjection: Codable, Equatable, Sendable {
    public var name: String?
    public var items: [KeyToPath]?
    public var optional: Bool?
}

/// Unlike a `secret` volume, a projection names its Secret with `name`.
public struct SecretProjection: Codable, Equatable, Sendable {
    public var name: String?
    public var items: [KeyToPath]?
    public var optional: Bool?
}

public struct DownwardAPIProjection: Codable, Equatable, Sendable {
    public var items: [DownwardAPIVolumeFile]?
}
