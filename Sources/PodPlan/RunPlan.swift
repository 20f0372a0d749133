import PodCgroups
import PodLaunch

/// Everything the supervisor needs to run a pod, computed by `podctl apply` from the
/// manifest and the image store (RunPlanner). The supervisor reads only this: it does
/// not decode manifests or look up images, so it stays small and starts fast.
public struct RunPlan: Codable, Equatable, Sendable {
    public var namespace: String
    public var name: String
    public var uid: String
    public var hostname: String
    public var sharePID: Bool
    /// `Always`, `OnFailure` or `Never`.
    public var restartPolicy: String
    public var terminationGracePeriodSeconds: Int64
    public var activeDeadlineSeconds: Int64?
    /// tmpfs mounts made in the pod's mount namespace (shared /dev/shm, memory emptyDirs).
    public var sandboxMounts: [MountSpec]
    /// `spec.securityContext.sysctls` (the safe namespaced set) as `PATH=VALUE`, PATH
    /// under /proc/sys, written by the sandbox in the pod's new namespaces.
    public var sysctls: [String] = []
    public var initContainers: [ContainerPlan]
    public var containers: [ContainerPlan]
    /// Host paths of the helper binaries.
    public var helperPath: String
    public var pausePath: String
    public var initPath: String
    /// Where the supervisor writes status and logs.
    public var statusPath: String
    public var logDirectory: String
    public var containerDirectory: String
    /// nil: loopback only (a plan written before networking existed).
    public var network: NetworkPlan?
    /// The pod's user namespace (hostUsers: false); nil: the host's.
    public var idMap: IDMap?
    /// A non-root user's pod (#18): its user namespace's mappers; nil: a pod of root.
    public var rootless: RootlessMapping?
    /// A non-root user's pod: how its containers' roots are mounted (D71); nil, in a
    /// user's plan written before fuse-overlayfs, is the kernel's overlay first.
    public var rootlessOverlay: RootlessOverlay?
    /// The pod's cgroups and limits (docs/resources.md); nil: run without cgroups (a plan
    /// written before resources existed).
    public var cgroups: PodCgroupPlan?
    /// A non-root user's pod without cgroups (no delegated cgroup v2 subtree, D72): why,
    /// and what to do, for the supervisor's once-per-pod warning; nil otherwise.
    public var limitsNotEnforced: String?
    /// Set by `podctl restore` only: what the pod's previous run leaves to this one
    /// (RestoreRules); nil for a pod started by apply.
    public var restored: RestoredState?
    /// The directory of compiled seccomp programs (`<root>/seccomp-cache`), where the
    /// containers' filters are found by their `programKey` (SeccompProgramFile); nil in a
    /// plan written before the programs left the run plan (its filters hold them).
    public var seccompCache: String?
    /// Set for a CRI sandbox (podctl-cri, D62): the kubelet decides every restart, so the
    /// supervisor restarts nothing and a pod without containers does not complete
    /// (RestartMode.never); nil for a pod of apply.
    public var kubeletRestarts: Bool?
    /// hostPID and hostIPC: the pod keeps the host's PID and IPC namespaces; nil (absent
    /// in plans written before they were honoured) is false.
    public var hostPIDNamespace: Bool?
    public var hostIPCNamespace: Bool?
    public var hostPID: Bool { hostPIDNamespace == true }
    public var hostIPC: Bool { hostIPCNamespace == true }

    public var allContainers: [ContainerPlan] { initContainers + containers }

    /// The pause's oom_score_adj, unless the pod is a non-root user's: lowering it below
    /// the user's own needs CAP_SYS_RESOURCE, so none is asked for (docs/rootless.md).
    public var sandboxOOMScoreAdj: Int32? { rootless == nil ? cgroups?.sandboxOOMScoreAdj : nil }

    // Public: the planner (PodRuntime) fills what the supervisor (PodSupervisor) reads.
    public init(namespace: String, name: String, uid: String, hostname: String, sharePID: Bool, restartPolicy: String, terminationGracePeriodSeconds: Int64, activeDeadlineSeconds: Int64? = nil, sandboxMounts: [MountSpec], sysctls: [String] = [], initContainers: [ContainerPlan], containers: [ContainerPlan], helperPath: String, pausePath: String, initPath: String, statusPath: String, logDirectory: String, containerDirectory: String, network: NetworkPlan? = nil, idMap: IDMap? = nil, cgroups: PodCgroupPlan? = nil, restored: RestoredState? = nil, seccompCache: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.hostname = hostname
        self.sharePID = sharePID
        self.restartPolicy = restartPolicy
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.sandboxMounts = sandboxMounts
        self.sysctls = sysctls
        self.initContainers = initContainers
        self.containers = containers
        self.helperPath = helperPath
        self.pausePath = pausePath
        self.initPath = initPath
        self.statusPath = statusPath
        self.logDirectory = logDirectory
        self.containerDirectory = containerDirectory
        self.network = network
        self.idMap = idMap
        self.cgroups = cgroups
        self.restored = restored
        self.seccompCache = seccompCache
    }
}

public struct ContainerPlan: Codable, Equatable, Sendable {
    public var name: String
    public var image: String
    public var imageID: String
    public var argv: [String]
    public var env: [String]
    public var cwd: String
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]
    public var lowerDirs: [String]
    public var mounts: [MountSpec]
    public var readOnlyRoot: Bool
    /// Run the workload under pod-init (the default); an annotation turns it off.
    public var useInit: Bool
    /// An init container with `restartPolicy: Always`.
    public var isSidecar: Bool
    /// The signal that stops it: the image's StopSignal, else SIGTERM.
    public var stopSignal: Int32
    public var stdin: Bool
    public var tty: Bool
    public var specHash: String
    /// Capabilities, no_new_privs, seccomp, masked paths (docs/security.md); exec gets it too.
    public var confinement = Confinement.none
    /// Probes and lifecycle hooks (docs/runtime.md, "Probes and hooks"). Optional so the
    /// run plans of pods started by an older podctl still decode (exec, reload).
    public var health: ContainerHealthPlan?
    /// The container's cgroup limits and its QoS oom_score_adj (docs/resources.md).
    public var limits: CgroupLimits?
    public var oomScoreAdj: Int32?
    /// stdinOnce: stdin closes when the first attach session ends (docs/runtime.md).
    /// Optional so older run plans still decode.
    public var stdinOnce: Bool?
    /// A CRI container's log file as the kubelet named it (`log_directory` + `log_path`,
    /// checked by podctl-cri); nil: the pod's own log directory (docs/logs.md).
    public var logPath: String?

    // Public: the planner (PodRuntime) fills what the supervisor (PodSupervisor) reads.
    public init(name: String, image: String, imageID: String, argv: [String], env: [String], cwd: String, uid: UInt32, gid: UInt32, groups: [UInt32], lowerDirs: [String], mounts: [MountSpec], readOnlyRoot: Bool, useInit: Bool, isSidecar: Bool, stopSignal: Int32, stdin: Bool, tty: Bool, specHash: String, confinement: Confinement = Confinement.none, health: ContainerHealthPlan? = nil, limits: CgroupLimits? = nil, oomScoreAdj: Int32? = nil, stdinOnce: Bool? = nil) {
        self.name = name
        self.image = image
        self.imageID = imageID
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.lowerDirs = lowerDirs
        self.mounts = mounts
        self.readOnlyRoot = readOnlyRoot
        self.useInit = useInit
        self.isSidecar = isSidecar
        self.stopSignal = stopSignal
        self.stdin = stdin
        self.tty = tty
        self.specHash = specHash
        self.confinement = confinement
        self.health = health
        self.limits = limits
        self.oomScoreAdj = oomScoreAdj
        self.stdinOnce = stdinOnce
    }
}
