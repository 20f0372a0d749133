/// A `v1 PersistentVolumeClaim`: on one host, a named directory volume under the state
/// root (docs/state.md), created on first use and kept when pods go (#19).
public struct PersistentVolumeClaim: Codable, Equatable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var spec: PersistentVolumeClaimSpec?

    public init(metadata: ObjectMeta? = nil, spec: PersistentVolumeClaimSpec? = nil) {
        apiVersion = "v1"
        kind = "PersistentVolumeClaim"
        self.metadata = metadata
        self.spec = spec
    }

    public var name: String { metadata?.name ?? "" }
    public var namespace: String { metadata?.namespace ?? "default" }
}

public struct PersistentVolumeClaimSpec: Codable, Equatable, Sendable {
    public var accessModes: [String]?
    public var resources: VolumeResourceRequirements?
    /// One local class here; any name is recorded and shown, none is required.
    public var storageClassName: String?
    /// `Filesystem` (the default) only: a directory cannot be a block device.
    public var volumeMode: String?

    public init(accessModes: [String]? = nil, resources: VolumeResourceRequirements? = nil, storageClassName: String? = nil, volumeMode: String? = nil) {
        self.accessModes = accessModes
        self.resources = resources
        self.storageClassName = storageClassName
        self.volumeMode = volumeMode
    }
}

public struct VolumeResourceRequirements: Codable, Equatable, Sendable {
    public var requests: [String: Quantity]?
    public var limits: [String: Quantity]?

    public init(requests: [String: Quantity]? = nil, limits: [String: Quantity]? = nil) {
        self.requests = requests
        self.limits = limits
    }
}

/// A pod volume's `persistentVolumeClaim: {claimName, readOnly}`.
public struct PersistentVolumeClaimVolumeSource: Codable, Equatable, Sendable {
    public var claimName: String?
    public var readOnly: Bool?

    public init(claimName: String? = nil, readOnly: Bool? = nil) {
        self.claimName = claimName
        self.readOnly = readOnly
    }
}
