/// A `v1 ConfigMap` given in the same apply as the pods that use it. podctl has no API
/// server to fetch it from, so configMap volumes, `configMapKeyRef` and `envFrom`
/// resolve against the ConfigMaps of the same input (docs/pod-spec.md).
public struct ConfigMap: Codable, Equatable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var data: [String: String]?
    public var binaryData: [String: String]?
    public var immutable: Bool?
}

/// A `v1 Secret`, given in the same apply; `data` is base64 as in the API.
public struct Secret: Codable, Equatable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var data: [String: String]?
    public var stringData: [String: String]?
    public var type: String?
    public var immutable: Bool?
}
