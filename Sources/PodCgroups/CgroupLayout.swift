/// Where podctl's cgroups sit, relative to each hierarchy's root (docs/resources.md):
///
///     <root>/pod<uid>/sandbox        the pause
///     <root>/pod<uid>/ctr_<name>     one per container
///
/// `<root>` is `/podctl`, or `PODCTL_CGROUP_ROOT` (tests use their own, so they never meet
/// each other or a real install). Pod cgroups are named by the pod's UID, as the
/// kubelet's are, so a pod deleted and applied again never meets its predecessor's
/// cgroup. Pause has a leaf of its own because cgroup v2 allows processes only in leaves
/// once controllers are enabled below (the "no internal processes" rule, cgroup-v2.rst);
/// containerd gives the sandbox its own cgroup for the same reason. Container cgroups
/// carry a prefix because a container may be named `tasks`, a file of every v1 cgroup.
public struct CgroupLayout: Codable, Equatable, Sendable {
    public static let defaultRoot = "/podctl"
    public static let rootVariable = "PODCTL_CGROUP_ROOT"

    /// The pod's cgroup, absolute within the hierarchy.
    public var pod: String

    public init(root: String, podUID: String) {
        let trimmed = "/" + root.split(separator: "/").joined(separator: "/")
        pod = (trimmed == "/" ? "" : trimmed) + "/pod" + podUID
    }

    public var sandbox: String { pod + "/sandbox" }
    public func container(_ name: String) -> String { pod + "/ctr_" + name }

    /// The layout of the pod whose pause is in the cgroups `procCgroup` lists (the text of
    /// /proc/PID/cgroup, cgroups(7): `ID:CONTROLLERS:PATH` per hierarchy): the pause's
    /// leaf is `ROOT/podUID/sandbox`. nil unless some line is exactly that under `root`,
    /// with a UID of lowercase hexadecimal digits and dashes, so a process elsewhere never
    /// names a cgroup to kill. Used when the run plan that records the layout is damaged.
    public static func ofSandbox(procCgroup: String, root: String) -> CgroupLayout? {
        let trimmed = "/" + root.split(separator: "/").joined(separator: "/")
        let prefix = (trimmed == "/" ? "" : trimmed) + "/pod"
        for line in procCgroup.split(separator: "\n") {
            guard let path = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).last.map(String.init),
                  path.hasPrefix(prefix), path.hasSuffix("/sandbox") else { continue }
            let uid = path.dropFirst(prefix.count).dropLast("/sandbox".count)
            guard !uid.isEmpty, uid.count <= 64, uid.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }) else { continue }
            return CgroupLayout(root: root, podUID: String(uid))
        }
        return nil
    }

    /// The root from the environment, refused when it could climb out of the hierarchy.
    public static func root(environment: [String: String]) -> String? {
        let root = environment[rootVariable] ?? defaultRoot
        let parts = root.split(separator: "/")
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        return "/" + parts.joined(separator: "/")
    }
}
