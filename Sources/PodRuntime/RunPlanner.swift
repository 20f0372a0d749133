import Foundation
import Glibc
import PodCore
import PodImage
import PodLaunch
import PodModel
import PodOS
import PodPlan
import PodSecurity
import PodStore

/// Turns a validated, defaulted pod into a RunPlan: images resolved to layers, commands
/// and environment resolved the Kubernetes way, volumes and generated files prepared.
public struct RunPlanner {
    let pod: Pod
    let key: PodKey
    let paths: PodPaths
    let images: ImageStore
    let binaries: Binaries
    let configMaps: [String: ConfigMap]
    let secrets: [String: Secret]
    let uid: String
    /// The pod's network as apply decided it (lease taken, ports checked); nil: loopback only.
    public var network: NetworkPlan?
    /// The other pods of the same apply (name, address), written into /etc/hosts.
    public var peers: [(name: String, ip: String)] = []
    /// The pod responder's address for a ClusterFirst pod's resolv.conf (docs/network.md, "Names").
    public var clusterNameserver: String?
    /// The pod's user namespace block as apply allocated it (hostUsers: false).
    public var idMap: IDMap?
    /// Container name → a user name that replaces the image's User (the CRI's
    /// run_as_username; a v1 Container cannot say it).
    public var userNames: [String: String] = [:]
    /// Containers whose supplementary groups are only those given (the CRI's per-container
    /// `supplemental_groups_policy: Strict`); a pod's `supplementalGroupsPolicy: Strict`
    /// makes every container so.
    public var strictGroups: Set<String> = []
    /// The containers whose propagating mounts have their host mount checked; nil: all.
    /// A CRI CreateContainer checks its new container's only: the others were checked at
    /// their create, and a host mount changed since must not refuse a new container.
    public var hostMountsChecked: Set<String>?
    /// Where `Localhost` seccomp profiles live: `<root>/seccomp` (docs/security.md).
    let seccompDirectory: String
    /// Compiled seccomp programs kept between applies.
    let seccompCache: SeccompCache
    /// Where persistentVolumeClaim volumes live (docs/state.md).
    let claims: ClaimStore

    public init(pod: Pod, key: PodKey, store: Store, binaries: Binaries, configMaps: [ConfigMap], secrets: [Secret], uid: String) {
        self.pod = pod
        self.key = key
        paths = PodPaths(store: store, key: key)
        images = ImageStore(store: store)
        self.binaries = binaries
        self.configMaps = Dictionary(configMaps.map { ($0.metadata?.name ?? "", $0) }, uniquingKeysWith: { $1 })
        self.secrets = Dictionary(secrets.map { ($0.metadata?.name ?? "", $0) }, uniquingKeysWith: { $1 })
        self.uid = uid
        seccompDirectory = LocalhostProfile.directory(root: store.roots.root)
        seccompCache = SeccompCache(root: store.roots.root, helperPath: binaries.helper)
        claims = ClaimStore(store: store)
    }

    var spec: PodSpec { pod.spec ?? PodSpec() }
    var hostname: String { spec.hostname ?? String(pod.name.prefix(63)).trimmingTrailing("-.") }

    /// Resolves every image and confinement first (a missing image or a bad seccomp
    /// profile fails the apply before anything is made), then prepares volumes and
    /// generated files and returns the plan.
    public func plan() throws(PodError) -> RunPlan {
        let resolved = try spec.allContainers.map { container throws(PodError) in try resolveImage(container) }
        // Before anything is made: a bad Localhost seccomp profile fails the apply.
        let confinements = try confinements()
        let healths = try spec.allContainers.map { container throws(PodError) in try healthPlan(container) }
        try prepareDirectories()
        let volumeMounts = try prepareVolumes()
        let etcMounts = try writeEtcFiles()
        var containerPlans: [ContainerPlan] = []
        for (index, (container, image)) in zip(spec.allContainers, resolved).enumerated() {
            var containerPlan = try containerPlan(container, image: image, volumes: volumeMounts, etc: etcMounts)
            containerPlan.confinement = confinements[index]
            containerPlan.health = healths[index]
            containerPlans.append(containerPlan)
        }
        let initCount = spec.initContainers?.count ?? 0
        let resources = try resourcePlan()
        for index in containerPlans.indices { resources.apply(to: &containerPlans[index], spec.allContainers[index]) }
        var runPlan = RunPlan(
            namespace: key.namespace, name: key.name, uid: uid, hostname: hostname,
            sharePID: spec.shareProcessNamespace == true, restartPolicy: spec.restartPolicy ?? "Always",
            terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
            activeDeadlineSeconds: spec.activeDeadlineSeconds, sandboxMounts: sandboxMounts(), sysctls: try sysctls(),
            initContainers: Array(containerPlans.prefix(initCount)), containers: Array(containerPlans.dropFirst(initCount)),
            helperPath: binaries.helper, pausePath: binaries.pause, initPath: binaries.initProcess,
            statusPath: paths.status, logDirectory: paths.logs, containerDirectory: paths.containers,
            network: network, idMap: idMap)
        runPlan.cgroups = resources.pod
        runPlan.seccompCache = seccompCache.directory
        // Written only when set, so a plain pod's plan stays as it was.
        if spec.hostPID == true { runPlan.hostPIDNamespace = true }
        if spec.hostIPC == true { runPlan.hostIPCNamespace = true }
        return runPlan
    }

    struct ResolvedImage {
        let record: ImageRecord
        let lowerDirs: [String]
    }

    /// Pulls happened before planning (ImagePulls); an image missing now was removed
    /// meanwhile, or its policy is Never (ErrImageNeverPull's words).
    func resolveImage(_ container: Container) throws(PodError) -> ResolvedImage {
        let name = container.image ?? ""
        let resolved: ImageStore.Resolved
        do { resolved = try images.resolve(name) } catch {
            let policy = container.imagePullPolicy ?? "IfNotPresent"
            let what = policy == "Never"
                ? "ErrImageNeverPull: container image \"\(name)\" is not present with pull policy of Never"
                : "ErrImagePull: container image \"\(name)\" is not in the store after the pull; apply again"
            throw PodError(.notFound, "pod \(key) container \"\(container.name ?? "")\": \(what)", cause: .error(error))
        }
        return ResolvedImage(record: resolved.image.record, lowerDirs: try images.lowerDirectories(for: resolved.image.record))
    }

    func prepareDirectories() throws(PodError) {
        for directory in [paths.directory, paths.logs, paths.containers, paths.volumes, paths.etc, paths.runDirectory, paths.shm, paths.memoryVolumes] {
            try Files.makeDirectories(directory, mode: 0o700)
        }
        // Containers running as another user must reach their volumes through these.
        for directory in [paths.directory, paths.volumes, paths.runDirectory, paths.memoryVolumes, paths.etc] { chmod(directory, 0o711) }
        chmod(paths.shm, 0o1777)
    }

    /// The pod's /dev/shm and memory emptyDirs are tmpfs mounts in the pod's own mount
    /// namespace, made by the sandbox: shared by the containers, gone with the pod.
    func sandboxMounts() -> [MountSpec] {
        var mounts = [MountSpec(kind: .tmpfs, source: "shm", target: paths.shm, options: "mode=1777,size=65536k")]
        for volume in spec.volumes ?? [] where volume.emptyDir?.medium == "Memory" {
            let size = volume.emptyDir?.sizeLimit?.value.map { ",size=\($0)" } ?? ""
            mounts.append(MountSpec(kind: .tmpfs, source: "tmpfs", target: paths.memoryVolumes + "/" + (volume.name ?? ""), options: "mode=0777" + size))
        }
        return mounts
    }
}

extension String {
    func trimmingTrailing(_ characters: String) -> String {
        var text = self
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return text
    }
}
