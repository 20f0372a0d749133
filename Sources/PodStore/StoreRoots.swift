import Foundation
import PodCore

/// Where podctl keeps its state: `root` persists (images, applied manifests, volumes,
/// logs), `runRoot` is runtime state that a reboot may clear (sockets, pids, locks).
/// Both can be moved, so tests and several instances never collide.
public struct StoreRoots: Sendable, Equatable {
    public var root: String
    public var runRoot: String

    public static let defaultRoot = "/var/lib/podctl"
    public static let defaultRunRoot = "/run/podctl"

    public init(root: String, runRoot: String) {
        self.root = root
        self.runRoot = runRoot
    }

    /// The flag if given, else `PODCTL_ROOT` / `PODCTL_RUN_ROOT`, else the defaults.
    public static func resolve(root: String?, runRoot: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PodError) -> StoreRoots {
        let roots = StoreRoots(
            root: root ?? environment["PODCTL_ROOT"] ?? defaultRoot,
            runRoot: runRoot ?? environment["PODCTL_RUN_ROOT"] ?? defaultRunRoot)
        for (flag, path) in [("--root", roots.root), ("--run-root", roots.runRoot)] {
            guard path.hasPrefix("/"), path != "/", !path.split(separator: "/").contains("..") else {
                throw PodError(.invalidArgument, "\(flag) must be an absolute path other than / and without '..', not \"\(path)\"")
            }
        }
        return roots
    }
}
