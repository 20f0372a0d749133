import PodLaunch

/// Linux capabilities by name (linux/capability.h), and the rules that turn a security
/// context into capability sets (docs/security.md, "Capabilities").
public enum Capability {
    /// Names without `CAP_`, at their numbers.
    public static let names: [String] = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ]

    /// The default set of the container runtimes (containerd, CRI-O, Docker): what a
    /// container's root keeps unless the security context says otherwise.
    public static let defaultNames = [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ]

    public static var defaultSet: UInt64 { defaultNames.reduce(0) { $0 | mask($1)! } }

    /// Every capability: the helper keeps what the running kernel has of it.
    public static let all = UInt64.max

    /// The bit of a capability, by name with or without `CAP_`, in any case; nil if unknown.
    public static func mask(_ name: String) -> UInt64? {
        number(name).map { 1 << UInt64($0) }
    }

    public static func number(_ name: String) -> Int? {
        var upper = name.uppercased()
        if upper.hasPrefix("CAP_") { upper.removeFirst(4) }
        return names.firstIndex(of: upper)
    }

    /// Names (`CAP_…`) of the bits set, known ones only, in number order.
    public static func names(in set: UInt64) -> [String] {
        names.indices.filter { set & (1 << UInt64($0)) != 0 }.map { "CAP_" + names[$0] }
    }

    /// The set a container keeps, containerd's rule (WithCapabilities): privileged gives
    /// everything and ignores add and drop; else start from the default set, `ALL` in add
    /// gives everything, `ALL` in drop removes everything, then each named add, then each
    /// named drop (so a capability both added and dropped is dropped). Unknown names are
    /// refused by validation before this.
    public static func kept(privileged: Bool, add: [String], drop: [String]) -> UInt64 {
        if privileged { return all }
        var set = defaultSet
        if add.contains(where: { $0.uppercased() == "ALL" }) { set = all }
        if drop.contains(where: { $0.uppercased() == "ALL" }) { set = 0 }
        for name in add { if let bit = mask(name) { set |= bit } }
        for name in drop { if let bit = mask(name) { set &= ~bit } }
        return set
    }

    /// The five sets for a kept set, as containerd asks runc for them: bounding,
    /// permitted and effective are the kept set; inheritable is empty (containerd
    /// 1.6.2 and Docker 20.10.14, CVE-2022-24769: a non-empty inheritable set lets a
    /// program with inheritable file capabilities gain them); ambient is empty. For a
    /// non-root user the kernel then empties permitted and effective at execve (no
    /// file capabilities, no ambient ones), so a non-root workload has no capabilities
    /// beyond what file capabilities of its program give, within the bounding set.
    public static func sets(kept: UInt64) -> CapabilitySets {
        CapabilitySets(bounding: kept, effective: kept, permitted: kept, inheritable: 0, ambient: 0)
    }
}
