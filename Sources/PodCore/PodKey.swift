
/// A pod's identity on this host: namespace and name, both checked against the
/// Kubernetes name rules before any path is built from them, so no name can reach
/// outside the state roots.
public struct PodKey: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let namespace: String
    public let name: String

    public init(namespace: String, name: String) throws(PodError) {
        if let problem = NameRules.namespaceProblem(namespace) {
            throw PodError(.invalidArgument, "invalid namespace \"\(namespace)\": \(problem)")
        }
        if let problem = NameRules.podNameProblem(name) {
            throw PodError(.invalidArgument, "invalid pod name \"\(name)\": \(problem)")
        }
        self.namespace = namespace
        self.name = name
    }

    /// `default/web`.
    public var description: String { "\(namespace)/\(name)" }

    /// The single path component for this pod; `_` appears in neither part, so it is unambiguous.
    public var fileName: String { "\(namespace)_\(name)" }

    public static func < (lhs: PodKey, rhs: PodKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
