import Foundation

/// Reading the pod's conditions and fields as `podctl wait` and `describe` need them.
/// The conditions are those of `apiObject` (one source of truth with `get -o yaml`).
extension PodView {
    /// The pod's conditions in the order the API object lists them: (type, status).
    public var conditions: [(type: String, status: String)] {
        apiObject.status.conditions.map { ($0.type, $0.status) }
    }

    /// The status (`True`, `False`) of a condition, its type compared without case as
    /// kubectl wait does; nil when the pod has no such condition.
    public func condition(_ type: String) -> String? {
        conditions.first { $0.type.lowercased() == type.lowercased() }?.status
    }

    /// The pod as a JSON tree (what `get -o json` prints), for jsonpath queries.
    public func jsonTree() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(apiObject))
    }
}
