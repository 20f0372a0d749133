import Foundation
import Glibc
import PodCore
import PodDNS
import PodModel
import PodNetwork
import PodOS
import PodStore

/// Names across pods (docs/network.md, "Names"): after every apply and delete, the names
/// file is written anew from the pods that have state and a lease, and the responder is
/// started when a ClusterFirst pod needs it, stopped when none is left. The whole step
/// holds `names.lock`, so a concurrent apply and delete cannot leave the responder
/// stopped under a pod that needs it.
extension PodManager {
    var namesDirectory: String { store.roots.root + "/network/dns" }
    var namesFile: String { namesDirectory + "/names" }
    var responderLock: String { namesDirectory + "/pod-dns.lock" }

    /// Whether the pod's resolv.conf points at the responder: ClusterFirst (the default)
    /// on the pod network. A hostNetwork pod falls back to Default, as the kubelet does;
    /// ClusterFirstWithHostNet does too here, since the responder listens on the bridge only.
    static func usesClusterDNS(_ pod: Pod) -> Bool {
        let spec = pod.spec ?? PodSpec()
        return spec.hostNetwork != true && (spec.dnsPolicy ?? "ClusterFirst") == "ClusterFirst"
    }

    /// The nameserver for the pod's resolv.conf: the bridge's gateway, or nil.
    func clusterNameserver(for pod: Pod) -> String? {
        guard Self.usesClusterDNS(pod), let config = try? networkConfig else { return nil }
        return config.gateway.description
    }

    public func syncPodNames() throws(PodError) {
        try syncPodNames(bridgeReady: false, early: nil)
    }

    /// `bridgeReady` and `early`: as `startResponder` takes them (apply's create).
    func syncPodNames(bridgeReady: Bool, early: ResponderLaunch?) throws(PodError) {
        // A non-root user's responder runs in the user network (D69): none without it.
        let userNetwork = geteuid() == 0 ? nil : runningUserNetwork()
        if geteuid() != 0 && userNetwork == nil { return }
        let config = try networkConfig
        try Files.makeDirectories(namesDirectory)
        guard let lock = try FileLock.acquire(namesDirectory + "/names.lock", wait: .upTo(seconds: 30)) else {
            throw PodError(.conflict, "another podctl holds \(namesDirectory)/names.lock")
        }
        defer { lock.unlock() }
        let leases = try PodNetwork(config: config).ipam.leases()
        var rows: [(address: String, names: [String])] = []
        var needed = false
        for key in try store.podKeys() {
            guard let pod = try? store.read(Pod.self, from: PodPaths(store: store, key: key).manifest) else { continue }
            needed = needed || Self.usesClusterDNS(pod)
            guard let address = leases[key] else { continue }
            rows.append((address.description, PodNames.names(name: key.name, namespace: key.namespace, hostname: pod.spec?.hostname, subdomain: pod.spec?.subdomain)))
        }
        // Not fsynced: derived from the leases and manifests, and rebuilt here before any
        // pod-dns is started, so after a power cut nothing reads it before it is written
        // again (a pod-dns that survives only a crash of podctl reads the page cache).
        try AtomicFile.write(Array(PodNameTable.render(rows).utf8), to: namesFile, mode: 0o644, durable: false)
        if needed {
            try startResponder(config, bridgeReady: bridgeReady, early: early, userNetwork: userNetwork)
        } else {
            // A responder launched ahead holds the lock once it answers: then it is stopped.
            if let early { _ = try? awaitResponder(early) }
            stopResponder()
        }
    }
}
