import Foundation
import Glibc
import PodCore

/// Where podctl keeps its state: `root` persists (images, applied manifests, volumes,
/// logs), `runRoot` is runtime state that a reboot may clear (sockets, pids, locks).
/// Both can be moved, so tests and several instances never collide.
public struct StoreRoots: Sendable, Equatable {
    public var root: String
    public var runRoot: String

    public static let defaultRoot = DefaultStateRoots.systemRoot
    public static let defaultRunRoot = DefaultStateRoots.systemRunRoot

    public init(root: String, runRoot: String) {
        self.root = root
        self.runRoot = runRoot
    }

    /// The flag if given, else `PODCTL_ROOT` / `PODCTL_RUN_ROOT`, else the defaults of
    /// the effective user: root's system directories, another user's XDG directories
    /// (`DefaultStateRoots`, #18). A default is only computed when it is used, so a user
    /// without `XDG_RUNTIME_DIR` who gives `--run-root` is not refused.
    public static func resolve(root: String?, runRoot: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               euid: uid_t = geteuid()) throws(PodError) -> StoreRoots {
        let lookup: (String) -> String? = { environment[$0] }
        var roots = StoreRoots(root: root ?? environment["PODCTL_ROOT"] ?? "", runRoot: runRoot ?? environment["PODCTL_RUN_ROOT"] ?? "")
        if root == nil && environment["PODCTL_ROOT"] == nil { roots.root = try DefaultStateRoots.root(euid: euid, environment: lookup) }
        if runRoot == nil && environment["PODCTL_RUN_ROOT"] == nil { roots.runRoot = try DefaultStateRoots.runRoot(euid: euid, environment: lookup) }
        for (flag, path) in [("--root", roots.root), ("--run-root", roots.runRoot)] {
            guard path.hasPrefix("/"), path != "/", !path.split(separator: "/").contains("..") else {
                throw PodError(.invalidArgument, "\(flag) must be an absolute path other than / and without '..', not \"\(path)\"")
            }
        }
        return roots
    }
}
