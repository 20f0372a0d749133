import PodCore
import PodStore

/// What a delete changes of the names (docs/network.md, "Names"; D79), from the two files
/// the last full sync wrote, without reading any pod's manifest: the full sync reads every
/// pod's, which grows with the pods on the host. `names`: the names file (ADDRESS NAME...
/// rows); `clients`: the keys of the pods that use the responder (ClusterFirst on the pod
/// network), one a line.
struct PodNamesAfterDelete: Equatable {
    var names: String
    var clients: String
    /// Whether a pod that uses the responder is left.
    var responderNeeded: Bool

    /// The pod's rows (those of its address; none without one) leave the names file, its
    /// key the clients.
    static func dropping(_ key: PodKey, address: String?, names: String, clients: String) -> PodNamesAfterDelete {
        let rows = names.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            address == nil || line.split(separator: " ", maxSplits: 1).first.map(String.init) != address
        }
        let left = clients.split(separator: "\n").map(String.init).filter { $0 != key.description }
        return PodNamesAfterDelete(names: rows.joined(separator: "\n"), clients: render(left), responderNeeded: !left.isEmpty)
    }

    /// The clients file as the full sync writes it.
    static func render(_ keys: [String]) -> String {
        keys.map { $0 + "\n" }.joined()
    }
}
