import Foundation
import PodCore
import PodImage
import PodRegistry
import PodStore

/// What the CRI services share: podctl's state roots (the same `PODCTL_ROOT` and
/// `PODCTL_RUN_ROOT` as the CLI, so `podctl image ls` and the CRI see one image store),
/// the cgroup root, the registries.conf the pulls read, and where the daemon keeps the
/// little state of its own (`<root>/cri/`).
public struct CRIContext: Sendable {
    public let store: Store
    public let images: ImageStore
    public let cgroupRoot: String
    public let registriesConf: String
    /// The process environment the network settings (PODCTL_BRIDGE, PODCTL_SUBNET), the
    /// helpers' directory (PODCTL_LIBEXEC) and the certificates (PODCTL_CERTS_DIR) come from.
    public let environment: [String: String]
    /// The CRI sandboxes' and containers' records and the pods' status files, cached
    /// (SandboxRecord.swift, ContainerRecord.swift, StatusCache.swift).
    let sandboxes: RecordDirectory<SandboxRecord>
    let containers: RecordDirectory<ContainerRecord>
    let statuses: StatusCache
    /// GetContainerEvents' listeners and what was sent (ContainerEvents.swift).
    public let events = ContainerEvents()
    /// The streaming server's address and URL tokens (Streaming/StreamingServer.swift).
    public let streaming = StreamingEndpoint()

    public init(roots: StoreRoots, cgroupRoot: String, registriesConf: String, environment: [String: String]) {
        store = Store(roots: roots)
        images = ImageStore(store: store)
        self.cgroupRoot = cgroupRoot
        self.registriesConf = registriesConf
        self.environment = environment
        sandboxes = RecordDirectory(store: store, name: "sandboxes")
        containers = RecordDirectory(store: store, name: "containers")
        statuses = StatusCache(store: store)
    }

    /// `<root>/cri`: the runtime config UpdateRuntimeConfig records.
    public var stateDirectory: String { store.roots.root + "/cri" }

    /// A puller reading registries.conf anew for each pull, as `podctl image pull` does:
    /// an edit of the file counts from the next pull, without a restart.
    func puller() throws(PodError) -> ImagePuller {
        var hosts = try RegistryHosts.configured(file: registriesConf)
        if let directory = environment["PODCTL_CERTS_DIR"], !directory.isEmpty { hosts.certificateDirectories = [directory] }
        return ImagePuller(store: images, hosts: hosts, auth: AuthFiles.fromEnvironment())
    }
}
