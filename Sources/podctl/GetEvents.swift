import PodCore

/// `podctl get events` as `kubectl get events`: the same table `podctl events` prints
/// (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), for one namespace or all (-A), with -w.
/// Events live in each pod's status, so the pod options (-o, -l, -L) have nothing to act on.
extension Get {
    static let eventResources: Set<String> = ["events", "event", "ev"]

    func runEvents() throws {
        let podOnly = ["-o": output != nil, "-l": selection.selector != nil, "-L/--show-labels": showLabels || !labelColumns.isEmpty,
                       "--watch-only": watchOnly, "NAME": resource.count > 1]
        let used = podOnly.filter(\.value).keys.sorted()
        guard used.isEmpty else {
            throw PodError(.invalidArgument, "\(used.joined(separator: ", ")): not for events; podctl get events prints the events table (podctl events --for pod/NAME for one pod)")
        }
        var arguments = allNamespaces ? ["-A"] : ["-n", namespace]
        if watch { arguments.append("-w") }
        if let root = global.root { arguments += ["--root", root] }
        if let runRoot = global.runRoot { arguments += ["--run-root", runRoot] }
        try Events.parse(arguments).run()
    }
}
