/// A `v1 ConfigMap`. podctl stores it per namespace (docs/state.md) when applied or
/// created; configMap volumes, `configMapKeyRef` and `envFrom` resolve against the
/// stored ones when a pod is created (docs/pod-spec.md).
public struct ConfigMap: Codable, Equatable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var data: [String: String]?
    public var binaryData: [String: String]?
    public var immutable: Bool?
}

/// A `v1 Secret`, stored as ConfigMaps are (0600); `data` is base64 as in the API.
public struct Secret: Codable, Equatable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var data: [String: String]?
    public var stringData: [String: String]?
    public var type: String?
    public var immutable: Bool?
}

extension ConfigMap {
    /// A ConfigMap made on the command line (`podctl create configmap`).
    public init(name: String, namespace: String, data: [String: String], binaryData: [String: String]) {
        self.init(apiVersion: "v1", kind: "ConfigMap", metadata: ObjectMeta(name: name, namespace: namespace),
                  data: data.isEmpty ? nil : data, binaryData: binaryData.isEmpty ? nil : binaryData, immutable: nil)
    }
}

extension Secret {
    /// A Secret made on the command line (`podctl create secret generic`); `data` base64.
    public init(name: String, namespace: String, type: String, data: [String: String]) {
        self.init(apiVersion: "v1", kind: "Secret", metadata: ObjectMeta(name: name, namespace: namespace),
                  data: data.isEmpty ? nil : data, stringData: nil, type: type, immutable: nil)
    }
}
