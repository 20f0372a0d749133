/// What the namespace helper (`pod-helper`) is asked to do. The supervisor (or the CLI,
/// for exec) writes a plan on the helper's plan descriptor; the helper is a separate,
/// single-threaded executable because `setns`, `unshare` and work between `fork` and
/// `exec` are unsafe in a multi-threaded Swift process (docs/architecture.md, D13).
///
/// This module uses the standard library only: the helper links neither Foundation nor
/// Dispatch.
public struct LaunchPlan: Equatable, Sendable {
    public enum Mode: String, Sendable {
        /// New net, UTS, IPC, mount and PID namespaces; `lo` up; pause as PID 1.
        case sandbox
        /// Join the pause's net, UTS, IPC (and mount) namespaces; own mount, PID and
        /// cgroup namespaces on an overlay root; exec the container's init.
        case container
        /// Join every namespace of a running container and run a command in it.
        case exec
        /// Compile the confinement's seccomp rules with libseccomp and write the BPF
        /// program on standard output (`podctl apply` does it once per distinct filter).
        case seccomp
        /// Join the pause's network namespace and configure the pod's `eth0` there.
        case network
    }

    public var mode: Mode
    /// sandbox: the pod's hostname.
    public var hostname = ""
    /// container: the pause's PID, whose namespaces the container joins.
    public var podPID: Int32 = 0
    /// container: join the pause's PID namespace instead of a new one (shareProcessNamespace).
    public var sharePID = false
    /// exec: the PID of the container process whose namespaces to join.
    public var targetPID: Int32 = 0
    /// exec: the caller pinned the target with a pidfd (pidfd_open(2), its start time
    /// checked) and passes it on `HelperDescriptors.target`; the helper joins through it
    /// (setns(2) with a pidfd, Linux 5.8), never through a PID that may have been reused.
    public var targetPinned = false
    /// container: overlay layers, topmost first, and the container's own upper and work dirs.
    public var lowerDirs: [String] = []
    public var upperDir = ""
    public var workDir = ""
    /// container: the host directory the root is mounted on (in the container's mount namespace only).
    public var rootfs = ""
    public var readOnlyRoot = false
    /// sandbox: tmpfs mounts made in the pod's mount namespace (shared /dev/shm, memory emptyDirs).
    /// container: mounts into the root, in order.
    public var mounts: [MountSpec] = []
    /// The program and its arguments; `argv[0]` is resolved against `PATH` inside the root.
    public var argv: [String] = []
    public var env: [String] = []
    public var cwd = "/"
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var groups: [UInt32] = []
    /// Host path of the static init (sandbox: of pause) to exec as PID 1; empty: exec the program itself.
    public var initPath = ""
    /// exec, and containers with `tty: true`: make the process the session leader of a pty
    /// whose master goes out on the terminal socket.
    public var tty = false
    /// sandbox: share the host's network and UTS namespaces (hostNetwork).
    public var hostNetwork = false
    /// network: `eth0 10.88.0.2/16 via 10.88.0.1` (PodInterfaceConfig.encoded).
    public var interface = ""
    /// container, exec: capabilities, no_new_privs, seccomp, masked and read-only paths
    /// (docs/security.md).
    public var confinement = Confinement.none
    /// sandbox: namespaced sysctls as `PATH=VALUE`, PATH under /proc/sys
    /// (`net/ipv4/ip_local_port_range`), written in the pod's new namespaces.
    public var sysctls: [String] = []
    /// sandbox, container, exec: the pod's user namespace (hostUsers: false). The sandbox
    /// makes it, mapped so; a container or an exec enters the pause's just before it
    /// takes its user and capabilities, after every mount is made (docs/security.md).
    public var idMap: IDMap?
    /// sandbox, container, exec: the `cgroup.procs` files the helper writes its own PID
    /// into before anything else, so every process it starts is limited from its first
    /// instruction, and a container's cgroup namespace is rooted at its own cgroup
    /// (docs/resources.md).
    public var cgroupProcs: [String] = []
    /// sandbox, container: written to /proc/self/oom_score_adj before the fork (the value
    /// is inherited); nil leaves it alone. A refusal (EPERM without CAP_SYS_RESOURCE) is
    /// not fatal: the supervisor reads the value back and warns.
    public var oomScoreAdj: Int32?

    public init(mode: Mode) {
        self.mode = mode
    }

    /// seccomp mode: the filter to compile (`podctl apply`, once per distinct filter).
    public static func compiling(_ filter: SeccompFilter) -> LaunchPlan {
        var plan = LaunchPlan(mode: .seccomp)
        plan.confinement.seccomp = filter
        return plan
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

    public init(kind: Kind, source: String, target: String, readOnly: Bool = false, options: String = "", subPath: String = "") {
        self.kind = kind
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.options = options
        self.subPath = subPath
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
