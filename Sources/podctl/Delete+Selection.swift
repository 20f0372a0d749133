import PodCore
import PodModel
import PodRuntime
import PodStore

extension Delete {
    /// The pods `-l` or `--all` pick, or nil when neither is given. As kubectl: a name
    /// (or -f) with a selector is refused, and a pod gone by the time it is deleted is
    /// no error (--ignore-not-found is the default with -l and --all).
    func selectedKeys(_ context: Context) throws(PodError) -> [PodKey]? {
        var selector = try selection.parsed()
        try PodSelection.refuseAll(all, with: selector)
        if all { selector = .everything }
        guard let selector else { return nil }
        let names = try resource.isEmpty ? [] : ResourceArgument.podNames(resource)
        if all && !(names + filename).isEmpty {
            throw PodError(.invalidArgument, "--all deletes every pod of the namespace: give it without pod names or -f (podctl delete pods --all)")
        }
        try PodSelection.refuseNames(names + filename, with: selector)
        let keys = try PodSelection.matching(context, selector, namespace: allNamespaces ? nil : namespace ?? "default").map(\.key)
        if keys.isEmpty { print("No resources found") }
        return keys
    }
}
