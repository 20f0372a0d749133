import PodCore
import PodLaunch

/// The security context of one container, reduced to what confinement depends on (the
/// planner merges the pod's and the container's contexts into it).
public struct SecurityRequest: Equatable, Sendable {
    public enum Seccomp: Equatable, Sendable {
        case unconfined
        case runtimeDefault
        /// A path relative to the profile directory.
        case localhost(String)
    }

    public var privileged = false
    public var add: [String] = []
    public var drop: [String] = []
    public var allowPrivilegeEscalation: Bool?
    /// `procMount: Unmasked`.
    public var unmaskedProc = false
    /// podctl's default is RuntimeDefault (Kubernetes' is Unconfined).
    public var seccomp = Seccomp.runtimeDefault

    public init(privileged: Bool = false, add: [String] = [], drop: [String] = [], allowPrivilegeEscalation: Bool? = nil,
                unmaskedProc: Bool = false, seccomp: Seccomp = .runtimeDefault) {
        self.privileged = privileged
        self.add = add
        self.drop = drop
        self.allowPrivilegeEscalation = allowPrivilegeEscalation
        self.unmaskedProc = unmaskedProc
        self.seccomp = seccomp
    }
}

public enum ConfinementPolicy {
    /// Hidden from containers: kernel memory, keys, timers and hardware details that
    /// leak about the host or other tenants (the runtimes' defaults).
    public static let maskedPaths = [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ]

    /// Readable, never writable: host-wide kernel settings (/proc/sys), the magic SysRq key.
    public static let readOnlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

    /// Capabilities, no_new_privs, seccomp and paths for a container (docs/security.md).
    public static func confinement(for request: SecurityRequest, profileDirectory: String, host: Host) throws(PodError) -> Confinement {
        let kept = Capability.kept(privileged: request.privileged, add: request.add, drop: request.drop)
        let seccomp: SeccompFilter?
        switch request.privileged ? .unconfined : request.seccomp {
        case .unconfined: seccomp = nil
        case .runtimeDefault: seccomp = DefaultSeccompProfile.filter(capabilities: kept, host: host)
        case let .localhost(path):
            // A manifest's profile is relative to the directory (validation refuses absolute
            // paths and ..); an absolute one comes only from the CRI's localhost_ref, the
            // host file the kubelet names, which containerd reads as it is too.
            let file = path.hasPrefix("/") ? path : profileDirectory + "/" + path
            seccomp = try LocalhostProfile.load(file, capabilities: kept, host: host)
        }
        let masked = request.privileged || request.unmaskedProc
        return Confinement(
            capabilities: Capability.sets(kept: kept), noNewPrivileges: noNewPrivileges(request, kept: kept), seccomp: seccomp,
            maskedPaths: masked ? [] : maskedPaths, readOnlyPaths: masked ? [] : readOnlyPaths, privileged: request.privileged)
    }

    /// Set unless `allowPrivilegeEscalation: true`; unset, it defaults to allowed only for
    /// a privileged container or one that keeps CAP_SYS_ADMIN (Kubernetes' rule for when
    /// the field must be true). Kubernetes leaves no_new_privs off when the field is
    /// unset; podctl sets it, so setuid programs and file capabilities do not raise a
    /// container's privileges (docs/security.md).
    public static func noNewPrivileges(_ request: SecurityRequest, kept: UInt64) -> Bool {
        if let allow = request.allowPrivilegeEscalation { return !allow }
        let admin = Capability.mask("SYS_ADMIN") ?? 0
        return !(request.privileged || kept & admin != 0)
    }
}
