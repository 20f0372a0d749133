import PodCore
import PodModel
import PodRuntime
import PodStore

extension Wait {
    /// The pods to wait for: the named ones, or those `-l`/`--all` pick when the wait
    /// starts, as kubectl. None picked is an error ("no matching resources found"),
    /// except for --for=delete, where none left is what was waited for.
    func selectedKeys(_ names: [String], wanted: WaitCondition, context: Context) throws(PodError) -> [PodKey] {
        var selector = try selection.parsed()
        try PodSelection.refuseAll(all, with: selector)
        if all { selector = .everything }
        try PodSelection.refuseNames(names, with: selector)
        guard let selector else {
            guard !names.isEmpty else {
                throw PodError(.invalidArgument, "resource(s) were provided, but no name was specified: give pod/NAME, -l SELECTOR or --all")
            }
            return try names.map { name throws(PodError) in try PodKey(namespace: namespace, name: name) }
        }
        let keys = try PodSelection.matching(context, selector, namespace: namespace).map(\.key)
        if keys.isEmpty && wanted != .delete { throw PodError(.notFound, "no matching resources found") }
        return keys
    }
}
