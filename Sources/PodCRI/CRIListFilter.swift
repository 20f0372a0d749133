/// What the list RPCs' filters share (ListContainers, ListPodSandbox and their stats
/// twins), as containerd applies them.
enum CRIListFilter {
    /// The label selector: every pair among the object's labels; an empty selector (the
    /// zero value of an absent filter) picks everything.
    static func labels(_ labels: [String: String], match selector: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }
}

extension RuntimeService {
    /// The sandboxes a filter's `id` (a full ID or a unique prefix) names: all without one.
    func sandboxRecords(id: String) -> [SandboxRecord] {
        id.isEmpty ? context.sandboxes.all() : context.sandboxes.find(id).map { [$0] } ?? []
    }
}
