import Glibc
import PodCore
import PodLaunch
import PodModel
import PodOS
import PodPlan
import PodStore

/// What a CRI sandbox adds to apply's pod (D62): the CRI gives port mappings to the
/// sandbox, not to a container, and the kubelet decides every restart.
public struct SandboxOptions: Sendable {
    public var ports: [PortPlan]
    /// The kubelet's user namespace mappings (CRI userns_options mode POD): used as they
    /// are instead of a block of podctl's (the pod has hostUsers: false).
    public var idMap: IDMap?

    public init(ports: [PortPlan], idMap: IDMap? = nil) {
        self.ports = ports
        self.idMap = idMap
    }
}

/// The sandbox RPCs of the CRI endpoint over the pod pipeline apply uses (D62): a sandbox
/// is a podctl pod without containers whose supervisor runs in the never-restart mode.
extension PodManager {
    /// RunPodSandbox: pause, network, /etc files, cgroups, as apply makes them; a failed
    /// start leaves nothing behind. A pod of that key already there is refused: the CRI
    /// endpoint names its pods after the sandbox ID, which is never reused.
    public func runSandbox(_ pod: Pod, options: SandboxOptions) throws(PodError) {
        let key = try PodKey(namespace: pod.namespace, name: pod.name)
        try store.prepare()
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        guard !Files.exists(paths.manifest) else {
            throw PodError(.alreadyExists, "pod \(key) already exists")
        }
        do {
            // No pulls: a sandbox has no containers, and the kubelet pulls its containers' images itself.
            try create(pod, key: key, paths: paths, configMaps: [], secrets: [], peers: [:], pulled: true, sandbox: options)
        } catch {
            _ = try? stopAndRemove(key, paths: paths, grace: 0)
            // pod-dns may have been started for this pod alone (D67).
            _ = try? syncPodNames()
            throw error
        }
    }

    /// StopPodSandbox: every process of the pod ends (the supervisor's stop within
    /// `grace`, then what is left in its cgroups and network namespace), and its network
    /// goes, as containerd tears down the CNI network at stop; the state stays for
    /// PodSandboxStatus until RemovePodSandbox. A stopped or missing pod is no error
    /// (the CRI's idempotence).
    public func stopSandbox(_ key: PodKey, grace: Double) throws(PodError) {
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        guard Files.exists(paths.manifest) || Files.exists(paths.runDirectory) else { return }
        let ended = try endProcesses(paths, grace: grace)
        if let error = releaseNetwork(key, ended.network) { throw error }
    }

    /// RemovePodSandbox: as delete, and a pod already gone is no error.
    public func removeSandbox(_ key: PodKey) throws(PodError) {
        do {
            try delete(key, grace: 0)
        } catch where error.code == .notFound {
            return
        }
    }
}
