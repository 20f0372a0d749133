import Glibc
import PodCore
import PodOS

/// The cgroup v2 subtree a non-root user's pods get their cgroups in (#18 item 5, D72).
///
/// A subtree is *delegated* to a user when the user may write the cgroup's directory and
/// its `cgroup.procs` and `cgroup.subtree_control` (cgroup-v2.rst, "Delegation": the
/// directory and those files, with `cgroup.threads`, are chowned to the delegatee).
/// systemd's user@.service does it for `user.slice/user-UID.slice/user@UID.service`
/// (`Delegate=pids memory cpu` in current releases, `pids memory` in older ones); an admin
/// does it with chown, or a system unit with `User=` and `Delegate=yes`.
///
/// The kernel lets a non-root writer move a process only when it may also write the
/// `cgroup.procs` of the common ancestor of the process's cgroup and the destination
/// ("Delegation Containment"). pod-helper moves itself from the supervisor's cgroup,
/// which is podctl's, so the pods' cgroups must be in the delegated subtree podctl itself
/// runs in: the shallowest delegated cgroup above (or at) podctl's own is the *top*, and
/// the pods go to `TOP/podctl` (rootless Podman's go below user@UID.service likewise,
/// through systemd). A configured root (`PODCTL_CGROUP_ROOT`) must lie below the top.
public struct CgroupDelegation: Equatable, Sendable {
    /// The shallowest cgroup delegated to the user that holds podctl's own cgroup,
    /// within the hierarchy (`/user.slice/user-1000.slice/user@1000.service`).
    public let top: String
    /// podctl's root for the user's pods (CgroupLayout's root), at or below `top`.
    public let root: String
    /// The controllers podctl uses that the delegation offers.
    public let controllers: [String]

    public init(top: String, root: String, controllers: [String]) {
        self.top = top
        self.root = root
        self.controllers = controllers
    }

    public enum Finding: Equatable, Sendable {
        case delegated(CgroupDelegation)
        /// Why the user's pods get no cgroups, and what to do about it.
        case notDelegated(String)
    }

    /// What detection reads: a cgroup file's text, and whether the effective user may
    /// write a path. Parameters, so the deciding logic is tested on a made-up tree.
    public struct Probe: Sendable {
        public var read: @Sendable (String) -> String?
        public var writable: @Sendable (String) -> Bool

        public init(read: @escaping @Sendable (String) -> String?, writable: @escaping @Sendable (String) -> Bool) {
            self.read = read
            self.writable = writable
        }

        /// The real cgroup filesystem, checked with the effective IDs (AT_EACCESS), as
        /// the kernel checks the writes that follow.
        public static let host = Probe(
            read: { try? Files.readText($0) },
            writable: { faccessat(AT_FDCWD, $0, W_OK, AT_EACCESS) == 0 })
    }

    /// What the user can do to get their limits enforced (docs/rootless.md, "Cgroups").
    public static let fix = """
        run podctl inside a cgroup v2 subtree delegated to you: from your systemd user manager, whose \
        user@.service delegates one (systemd-run --user --scope podctl apply …, or the podctl-restore user unit), \
        or in a directory an admin delegated to you (chown of the directory and its cgroup.procs, \
        cgroup.subtree_control and cgroup.threads) with PODCTL_CGROUP_ROOT set below it (docs/rootless.md, "Cgroups")
        """

    /// The controllers a delegation must offer: without memory a limit means nothing,
    /// without pids a fork bomb reaches the user's own limit. cpu is used when offered
    /// (older systemd delegates only these two); its limits are then warnings.
    public static let required = ["memory", "pids"]

    /// Finds the delegation for a process whose /proc/self/cgroup reads `procSelfCgroup`.
    /// `configuredRoot`: the user's PODCTL_CGROUP_ROOT, already checked for `..`.
    public static func find(hierarchy: CgroupHierarchy?, procSelfCgroup: String, configuredRoot: String?, probe: Probe) -> Finding {
        guard let hierarchy, hierarchy.version == .v2, let mount = hierarchy.mountPoints.first else {
            return .notDelegated("""
                this host has no cgroup v2 hierarchy (cgroup v1 cannot be delegated to a user): boot with the \
                unified hierarchy (systemd.unified_cgroup_hierarchy=1 on the kernel command line), then \(fix)
                """)
        }
        guard let own = unifiedPath(procSelfCgroup) else {
            return .notDelegated("/proc/self/cgroup names no cgroup v2 path for podctl; \(fix)")
        }
        func directory(_ path: String) -> String { path == "/" ? mount : mount + path }
        func delegated(_ path: String) -> Bool {
            let directory = directory(path)
            return ["", "/cgroup.procs", "/cgroup.subtree_control"].allSatisfy { probe.writable(directory + $0) }
        }
        guard let top = ancestors(of: own).first(where: delegated) else {
            return .notDelegated("podctl runs in the cgroup \(own), and neither it nor a cgroup above it is delegated to you (its cgroup.procs and cgroup.subtree_control are not yours to write); \(fix)")
        }
        let root = configuredRoot ?? (top == "/" ? "" : top) + CgroupLayout.defaultRoot
        guard root == top || top == "/" || root.hasPrefix(top + "/") else {
            return .notDelegated("""
                \(CgroupLayout.rootVariable)=\(root) is outside \(top), the cgroup delegated to you that podctl runs in: \
                the kernel lets a user move processes only within a subtree delegated to it (cgroup-v2.rst, \
                "Delegation Containment"); set it below \(top), or \(fix)
                """)
        }
        let offered = CgroupFiles.names(probe.read(directory(top) + "/cgroup.controllers"))
        let controllers = CgroupHierarchy.v2Controllers.filter(offered.contains)
        let missing = required.filter { !controllers.contains($0) }
        guard missing.isEmpty else {
            return .notDelegated("""
                the cgroup \(top) delegated to you does not offer the \(missing.joined(separator: " and ")) controller \
                (its cgroup.controllers: \(offered.joined(separator: " "))): have the admin delegate it \
                (systemd: a user@.service drop-in with Delegate=pids memory cpu), or \(fix)
                """)
        }
        if let refusal = busyLevel(from: top, to: root, controllers: controllers, probe: probe, directory: directory) {
            return .notDelegated(refusal)
        }
        return .delegated(CgroupDelegation(top: top, root: root, controllers: controllers))
    }

    /// Each existing cgroup from `top` down to `root` must be the user's, and must hold no
    /// process where podctl has controllers still to enable: the kernel enables them for
    /// a cgroup's children only when it holds none (cgroup-v2.rst, "No Internal Process
    /// Constraint"), which is why systemd's user manager runs in user@UID.service/init.scope.
    static func busyLevel(from top: String, to root: String, controllers: [String], probe: Probe, directory: (String) -> String) -> String? {
        for level in ancestors(of: root) where level == top || top == "/" || level.hasPrefix(top + "/") {
            guard let enabled = probe.read(directory(level) + "/cgroup.subtree_control").map(CgroupFiles.names) else { return nil }
            guard probe.writable(directory(level)) else {
                return "the cgroup \(level) below the one delegated to you (\(top)) is not yours to write; \(fix)"
            }
            let toEnable = controllers.filter { !enabled.contains($0) }
            let processes = CgroupFiles.names(probe.read(directory(level) + "/cgroup.procs"))
            // The root cgroup is exempt from the rule (it always holds processes).
            if level != "/" && !toEnable.isEmpty && !processes.isEmpty {
                return """
                    the cgroup \(level) holds processes (\(processes.prefix(5).joined(separator: " "))), and the kernel \
                    enables the \(toEnable.joined(separator: " ")) controller for a cgroup's children only when it holds \
                    none: start podctl from a child cgroup of it (as systemd's user manager runs in user@UID.service/init.scope), \
                    or set \(CgroupLayout.rootVariable) to a cgroup without processes below \(top) (docs/rootless.md, "Cgroups")
                    """
            }
        }
        return nil
    }

    /// The path of the `0::PATH` line (cgroups(7): the unified hierarchy's entry), nil
    /// without one or when it is not an absolute path. The kernel writes this file; its
    /// length is bounded anyway, as every parser's input.
    public static func unifiedPath(_ procSelfCgroup: String) -> String? {
        for line in procSelfCgroup.prefix(65536).split(separator: "\n") where line.hasPrefix("0::") {
            let path = String(line.dropFirst(3))
            let parts = path.split(separator: "/")
            guard path.hasPrefix("/"), !parts.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
            return "/" + parts.joined(separator: "/")
        }
        return nil
    }

    /// `/`, `/a`, `/a/b` for `/a/b`: shallowest first.
    static func ancestors(of path: String) -> [String] {
        var levels = ["/"], current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            levels.append(current)
        }
        return levels
    }
}
