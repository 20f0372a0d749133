import Foundation
import PodCore
import PodRuntime
import PodStore

/// What every pod command needs: the state store of the chosen roots.
struct Context {
    let store: Store
    let manager: PodManager

    init(_ global: GlobalOptions) throws(PodError) {
        store = Store(roots: try StoreRoots.resolve(root: global.root, runRoot: global.runRoot))
        manager = PodManager(store: store)
        try store.checkAccess()
        _ = try ClaimStore.configuredRoot(store: store, environment: ProcessInfo.processInfo.environment)
    }

    /// kubectl's "pods X not found" for a pod with no state.
    func view(_ name: String, namespace: String) throws(PodError) -> PodView {
        let key = try PodKey(namespace: namespace, name: name)
        guard let view = try manager.view(key) else {
            throw PodError(.notFound, "pods \"\(name)\" not found in namespace \(namespace)")
        }
        return view
    }

    /// Cleans up the leases, ports, veths and ID blocks of pods that went without podctl (PodManager.reclaimGonePods);
    /// a failure is a warning: the command itself did what it was asked.
    /// `thorough: false` after a delete (PodNetwork.reclaim).
    func reclaimGonePods(thorough: Bool = true) {
        // A non-root user's pods hold no leases, ports or cgroups (RootlessPod), and the
        // reclaim's nftables and cgroup calls need root: they would only print warnings.
        guard geteuid() == 0 else { return }
        do {
            let gone = try manager.reclaimGonePods(thorough: thorough)
            if !gone.isEmpty { Terminal.warning("cleaned up the network of pods that are gone: \(gone.map(\.description).joined(separator: ", "))") }
        } catch {
            Terminal.warning("cannot clean up after deleted pods: \(error)")
        }
    }
}

/// `pod`, `pods`, `po`, or `pod/NAME` as kubectl takes them.
enum ResourceArgument {
    static func podNames(_ arguments: [String]) throws(PodError) -> [String] {
        guard let first = arguments.first else {
            throw PodError(.invalidArgument, "give a resource type: pods (podctl manages pods only)")
        }
        if first.hasPrefix("pod/") || first.hasPrefix("pods/") || first.hasPrefix("po/") {
            return arguments.map { String($0.split(separator: "/", maxSplits: 1).last ?? "") }
        }
        guard ["pod", "pods", "po"].contains(first) else {
            throw PodError(.invalidArgument, "the server doesn't have a resource type \"\(first)\": podctl manages pods only")
        }
        return Array(arguments.dropFirst())
    }
}
