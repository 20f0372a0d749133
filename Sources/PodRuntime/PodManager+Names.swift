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
    /// The pods that use the responder, written with the names file: a delete updates
    /// both from these files alone (PodNamesAfterDelete, D79).
    var clientsFile: String { namesDirectory + "/clients" }

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
        var clients: [String] = []
        for key in try store.podKeys() {
            guard let pod = try? store.read(Pod.self, from: PodPaths(store: store, key: key).manifest) else { continue }
            if Self.usesClusterDNS(pod) { clients.append(key.description) }
            guard let address = leases[key] else { continue }
            rows.append((address.description, PodNames.names(name: key.name, namespace: key.namespace, hostname: pod.spec?.hostname, subdomain: pod.spec?.subdomain)))
        }
        // Not fsynced: derived from the leases and manifests, and rebuilt here before any
        // pod-dns is started, so after a power cut nothing reads it before it is written
        // again (a pod-dns that survives only a crash of podctl reads the page cache).
        try AtomicFile.write(Array(PodNameTable.render(rows).utf8), to: namesFile, mode: 0o644, durable: false)
        try AtomicFile.write(Array(PodNamesAfterDelete.render(clients).utf8), to: clientsFile, mode: 0o644, durable: false)
        if !clients.isEmpty {
            try startResponder(config, bridgeReady: bridgeReady, early: early, userNetwork: userNetwork)
        } else {
            // A responder launched ahead holds the lock once it answers: then it is stopped.
            if let early { _ = try? awaitResponder(early) }
            stopResponder()
        }
    }
}

extension PodManager {
    /// After a delete of the pod whose address was `address` (nil: it had none): its rows
    /// leave the names file and its key the clients file, and the responder stops when it
    /// served the last pod that used it, without reading every pod's manifest (D79).
    /// Without the clients file (every full sync writes it since D79) the full sync runs.
    func dropPodNames(_ key: PodKey, address: String?) throws(PodError) {
        if geteuid() != 0 && runningUserNetwork() == nil { return }
        guard Files.exists(clientsFile) else { return try syncPodNames() }
        guard let lock = try FileLock.acquire(namesDirectory + "/names.lock", wait: .upTo(seconds: 30)) else {
            throw PodError(.conflict, "another podctl holds \(namesDirectory)/names.lock")
        }
        defer { lock.unlock() }
        let after = PodNamesAfterDelete.dropping(key, address: address, names: (try? Files.readText(namesFile)) ?? "", clients: try Files.readText(clientsFile))
        // Not fsynced, as the full sync's: derived, and rebuilt before any pod-dns starts.
        try AtomicFile.write(Array(after.names.utf8), to: namesFile, mode: 0o644, durable: false)
        try AtomicFile.write(Array(after.clients.utf8), to: clientsFile, mode: 0o644, durable: false)
        if !after.responderNeeded { stopResponder() }
    }
}
