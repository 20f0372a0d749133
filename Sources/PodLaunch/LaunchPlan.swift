import Glibc

/// What the namespace helper (`pod-helper`) is asked to do: one payload per mode, each
/// holding what its mode uses and nothing else. The supervisor (or the CLI, for exec)
/// writes a plan on the helper's plan descriptor; the helper is a separate,
/// single-threaded executable because `setns`, `unshare` and work between `fork` and
/// `exec` are unsafe in a multi-threaded Swift process (docs/architecture.md, D13).
/// PodPlan maps the run plan to these in one place (LaunchPlan+RunPlan.swift).
///
/// This module uses the standard library only: the helper links neither Foundation nor
/// Dispatch.
public enum LaunchPlan: Equatable, Sendable {
    /// New net, UTS, IPC, mount and PID namespaces; `lo` up; pause as PID 1.
    case sandbox(SandboxLaunch)
    /// Join the pause's net, UTS, IPC (and mount) namespaces; own mount, PID and cgroup
    /// namespaces on an overlay root; exec the container's init.
    case container(ContainerLaunch)
    /// Join every namespace of a running container and run a command in it.
    case exec(ExecLaunch)
    /// Compile the filter with libseccomp and write the BPF program on standard output
    /// (`podctl apply` does it once per distinct filter).
    case seccomp(SeccompFilter)
    /// Join the pause's network namespace and configure the pod's `eth0` there.
    case network(NetworkLaunch)

    /// The mode's name on the wire and in messages.
    public enum Mode: String, Sendable {
        case sandbox, container, exec, seccomp, network
    }

    public var mode: Mode {
        switch self {
        case .sandbox: .sandbox
        case .container: .container
        case .exec: .exec
        case .seccomp: .seccomp
        case .network: .network
        }
    }

    /// The cgroups and OOM score of a mode that starts a process; none for the others.
    public var placement: Placement {
        switch self {
        case let .sandbox(plan): plan.placement
        case let .container(plan): plan.placement
        case let .exec(plan): plan.placement
        case .seccomp, .network: Placement()
        }
    }
}

/// Where the helper puts itself before it creates or joins any namespace, so every
/// process it starts is limited from its first instruction.
public struct Placement: Equatable, Sendable {
    /// The `cgroup.procs` files the helper writes its own PID into first; a container's
    /// cgroup namespace is then rooted at its own cgroup (docs/resources.md).
    public var cgroupProcs: [String] = []
    /// Written to /proc/self/oom_score_adj before the fork (the value is inherited); nil
    /// leaves it alone. A refusal (EPERM without CAP_SYS_RESOURCE) is not fatal: the
    /// supervisor reads the value back and warns.
    public var oomScoreAdj: Int32?

    public init(cgroupProcs: [String] = [], oomScoreAdj: Int32? = nil) {
        self.cgroupProcs = cgroupProcs
        self.oomScoreAdj = oomScoreAdj
    }
}

/// The process a container or an exec runs, as the container's plan describes it.
public struct ProcessSpec: Equatable, Sendable {
    /// The program and its arguments; `argv[0]` is resolved against `PATH` inside the root.
    public var argv: [String] = []
    public var env: [String] = []
    public var cwd = "/"
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var groups: [UInt32] = []
    /// Make the process the session leader of a pty whose master goes out on the
    /// terminal socket (`tty: true`, `exec -t`).
    public var tty = false
    /// Capabilities, no_new_privs, seccomp, masked and read-only paths (docs/security.md).
    public var confinement = Confinement.none

    public init(argv: [String] = [], env: [String] = [], cwd: String = "/", uid: UInt32 = 0, gid: UInt32 = 0, groups: [UInt32] = [], tty: Bool = false, confinement: Confinement = .none) {
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.tty = tty
        self.confinement = confinement
    }
}

public struct SandboxLaunch: Equatable, Sendable {
    /// The pod's hostname.
    public var hostname = ""
    /// Host path of pause, exec'd as PID 1 of the pod's PID namespace.
    public var pausePath = ""
    /// tmpfs mounts made in the pod's mount namespace (shared /dev/shm, memory emptyDirs).
    public var mounts: [MountSpec] = []
    /// Namespaced sysctls as `PATH=VALUE`, PATH under /proc/sys
    /// (`net/ipv4/ip_local_port_range`), written in the pod's new namespaces.
    public var sysctls: [String] = []
    /// Share the host's network and UTS namespaces (hostNetwork).
    public var hostNetwork = false
    /// Stay in the host's PID namespace (hostPID): pause is not PID 1 of a namespace.
    public var hostPID = false
    /// Share the host's IPC namespace (hostIPC).
    public var hostIPC = false
    /// The pod's user namespace (hostUsers: false), made by the sandbox, mapped so.
    public var idMap: IDMap?
    /// A non-root user's pod (#18, docs/rootless.md): the sandbox makes the pod's user
    /// namespace first and has newuidmap and newgidmap map it from outside, then makes
    /// the other namespaces inside it.
    public var rootless: RootlessMapping?
    public var placement = Placement()

    public init() {}
}

public struct ContainerLaunch: Equatable, Sendable {
    /// The pause's PID, whose namespaces the container joins.
    public var podPID: Int32 = 0
    /// Join the pause's PID namespace instead of a new one (shareProcessNamespace).
    public var sharePID = false
    /// Stay in the host's PID namespace (hostPID): no new one, none joined.
    public var hostPID = false
    /// Overlay layers, topmost first, and the container's own upper and work dirs.
    public var lowerDirs: [String] = []
    public var upperDir = ""
    public var workDir = ""
    /// The host directory the root is mounted on (in the container's mount namespace only).
    public var rootfs = ""
    public var readOnlyRoot = false
    /// Mounts into the root, in order.
    public var mounts: [MountSpec] = []
    /// Host path of the static init to exec as PID 1; empty: exec the program itself.
    public var initPath = ""
    public var process = ProcessSpec()
    /// The pod's user namespace, entered just before the process takes its user and
    /// capabilities, after every mount is made (docs/security.md).
    public var idMap: IDMap?
    /// A non-root user's pod: join the pause's user namespace first, then the others
    /// (setns(2): an unprivileged process has no right over them until it is in their owner).
    public var joinsPodUserNamespace = false
    /// A non-root user's pod: how its root is mounted (the kernel's overlay, or
    /// fuse-overlayfs where the kernel refuses it, D71); nil for root's pods.
    public var rootlessOverlay: RootlessOverlay?
    public var placement = Placement()

    public init() {}
}

/// How a non-root user's container root is mounted (#18 item 3, D71): the kernel's
/// overlayfs inside the user namespace (Linux 5.11 and later), else fuse-overlayfs, as
/// rootless Podman's containers/storage falls back to its mount_program.
public struct RootlessOverlay: Codable, Equatable, Sendable {
    /// Skip the kernel's overlay (PODCTL_ROOTLESS_OVERLAY=fuse at apply).
    public var forceFuse: Bool
    /// fuse-overlayfs, found at apply; empty when it is not installed.
    public var fuseProgram: String

    public init(forceFuse: Bool = false, fuseProgram: String = "") {
        self.forceFuse = forceFuse
        self.fuseProgram = fuseProgram
    }

    /// Whether the kernel's overlay failing with `code` means the kernel refuses overlayfs
    /// in a user namespace, so fuse-overlayfs is tried: EPERM (before Linux 5.11 overlayfs
    /// is not FS_USERNS_MOUNT), ENODEV (no overlay module) or EINVAL (an option or an
    /// upper filesystem it will not take there). Anything else (ENOENT, ENOSPC, …) is the
    /// container's error, which fuse-overlayfs would only repeat.
    public static func kernelRefused(_ code: Int32) -> Bool {
        code == EPERM || code == EINVAL || code == ENODEV
    }

    /// The character of `path` that fuse-overlayfs's `-o` string would read as syntax, or
    /// nil. libfuse splits the options at ',' and fuse-overlayfs the lowerdir at ':'
    /// (fuse-overlayfs(1)), '\' escaping, so a path holding one would add an option or a
    /// layer: refused rather than escaped (whether an escape holds depends on the
    /// version's parser), as the kernel overlay's mount(2) path refuses them
    /// (OverlayMount.mountLegacy). The paths are podctl's store and state paths (a --root
    /// may hold anything); no image or manifest string is part of them.
    public static func optionProblem(_ path: String) -> String? {
        for (character, name) in [(",", "a ','"), (":", "a ':'"), ("\\", "a '\\'")] where path.contains(character) { return name }
        return nil
    }
}

public struct ExecLaunch: Equatable, Sendable {
    /// The PID of the container process whose namespaces to join.
    public var targetPID: Int32 = 0
    /// The caller pinned the target with a pidfd (pidfd_open(2), its start time checked)
    /// and passes it on `HelperDescriptors.target`; the helper joins through it (setns(2)
    /// with a pidfd, Linux 5.8), never through a PID that may have been reused.
    public var targetPinned = false
    public var process = ProcessSpec()
    /// The pod's user namespace, entered as the container's process did.
    public var idMap: IDMap?
    /// A non-root user's pod: the kernel enters the target's user namespace first.
    public var joinsPodUserNamespace = false
    public var placement = Placement()

    public init() {}
}

public struct NetworkLaunch: Equatable, Sendable {
    /// The pause's PID, whose network namespace the helper joins.
    public var podPID: Int32 = 0
    /// `eth0 10.88.0.2/16 via 10.88.0.1` (PodInterfaceConfig.encoded).
    public var interface = ""
    /// A non-root user's pod: its network namespace is owned by the user network's user
    /// namespace, which the helper joins first (D65).
    public var joinsPodUserNamespace = false

    public init(podPID: Int32, interface: String, joinsPodUserNamespace: Bool = false) {
        self.podPID = podPID
        self.interface = interface
        self.joinsPodUserNamespace = joinsPodUserNamespace
    }
}

/// One mount. `target` is inside the container's root (container mode) or a host path
/// (sandbox mode, in the pod's own mount namespace).
public struct MountSpec: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case bind
        case tmpfs
    }

    public var kind: Kind
    public var source: String
    public var target: String
    public var readOnly: Bool
    /// tmpfs options (`size=64m,mode=1777`).
    public var options: String
    /// bind: a relative path inside `source` to bind instead of `source` itself (a volume
    /// mount's subPath). pod-helper resolves it inside `source` when it mounts, so nothing
    /// a container changed in the volume since can redirect it (docs/runtime.md).
    public var subPath: String
    /// bind: `readOnly` for every mount below the source too (mount_setattr(2)
    /// AT_RECURSIVE, Linux 5.12), the CRI's `recursive_read_only` and the v1
    /// `recursiveReadOnly: Enabled`; without it only the bind itself is read-only, as runc
    /// binds a read-only CRI mount.
    public var recursiveReadOnly: Bool
    /// bind: a copy of the source's mount tree as the host has it when the container
    /// starts (open_tree(2) in the mount namespace pod-helper starts in), not as the pod's
    /// mount namespace saw it when the sandbox started: hostPath volumes, as runc binds a
    /// CRI mount from the host's mount table. Needed for any propagation but private.
    public var fromHost: Bool
    public var propagation: MountPropagation

    public init(kind: Kind, source: String, target: String, readOnly: Bool = false, options: String = "", subPath: String = "",
                recursiveReadOnly: Bool = false, fromHost: Bool = false, propagation: MountPropagation = .private) {
        self.kind = kind
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.options = options
        self.subPath = subPath
        self.recursiveReadOnly = recursiveReadOnly
        self.fromHost = fromHost
        self.propagation = propagation
    }
}

extension MountSpec {
    enum CodingKeys: String, CodingKey { case kind, source, target, readOnly, options, subPath, recursiveReadOnly, fromHost, propagation }

    /// The fields after subPath are absent from run plans written before them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try container.decode(Kind.self, forKey: .kind), source: try container.decode(String.self, forKey: .source),
                  target: try container.decode(String.self, forKey: .target), readOnly: try container.decode(Bool.self, forKey: .readOnly),
                  options: try container.decode(String.self, forKey: .options), subPath: try container.decodeIfPresent(String.self, forKey: .subPath) ?? "",
                  recursiveReadOnly: try container.decodeIfPresent(Bool.self, forKey: .recursiveReadOnly) ?? false,
                  fromHost: try container.decodeIfPresent(Bool.self, forKey: .fromHost) ?? false,
                  propagation: try container.decodeIfPresent(MountPropagation.self, forKey: .propagation) ?? .private)
    }
}

/// A bind's mount propagation (mount_namespaces(7)), the CRI's MountPropagation and the
/// v1 `mountPropagation`: private (`None`), a slave of the host's mount (rslave,
/// `HostToContainer`), or a peer of it (rshared, `Bidirectional`).
public enum MountPropagation: String, Codable, Sendable {
    case `private`
    case hostToContainer
    case bidirectional
}

/// The commands that map a non-root user's pod's user namespace: newuidmap and newgidmap
/// (setuid root, shadow's uidmap package) with their `INSIDE OUTSIDE COUNT…` arguments;
/// the helper inserts the PID of the process to map after the program. Only a process
/// outside the namespace may write a map with more than its own ID (user_namespaces(7)).
public struct RootlessMapping: Codable, Equatable, Sendable {
    public var uidMapper: [String]
    public var gidMapper: [String]
    /// The holder of the user's network (D65): the sandbox joins its user namespace, which
    /// the mappers mapped once, and makes the pod's other namespaces inside it. 0 until
    /// apply has the holder running.
    public var userNetworkPID: Int32

    public init(uidMapper: [String], gidMapper: [String], userNetworkPID: Int32 = 0) {
        self.uidMapper = uidMapper
        self.gidMapper = gidMapper
        self.userNetworkPID = userNetworkPID
    }

    /// The argv of a mapper for the process `pid`: the program, the PID, then the lines.
    public static func command(_ mapper: [String], pid: Int32) -> [String] {
        guard let program = mapper.first else { return [] }
        return [program, String(pid)] + mapper.dropFirst()
    }
}

/// Container IDs 0..<size map to host IDs hostUID..<hostUID+size (and the same for
/// groups): one line of `/proc/PID/uid_map` and of `gid_map`.
public struct IDMap: Codable, Equatable, Sendable {
    public var hostUID: UInt32
    public var hostGID: UInt32
    public var size: UInt32

    public init(hostUID: UInt32, hostGID: UInt32, size: UInt32) {
        self.hostUID = hostUID
        self.hostGID = hostGID
        self.size = size
    }

    public var uidMapLine: String { "0 \(hostUID) \(size)\n" }
    public var gidMapLine: String { "0 \(hostGID) \(size)\n" }

    /// The host's ID of a container's user or group, for files podctl makes for the pod.
    public func hostUID(of uid: UInt32) -> UInt32 { uid < size ? hostUID + uid : uid }
    public func hostGID(of gid: UInt32) -> UInt32 { gid < size ? hostGID + gid : gid }

    var encoded: String { "\(hostUID):\(hostGID):\(size)" }

    init?(encoded: String) {
        let parts = encoded.split(separator: ":").map { UInt32($0) }
        guard parts.count == 3, let uid = parts[0], let gid = parts[1], let size = parts[2], size > 0 else { return nil }
        self.init(hostUID: uid, hostGID: gid, size: size)
    }
}
