import PodCore
import PodOS

/// The cgroup hierarchy of this host, as mounted:
///
/// - **v2** (unified): one cgroup2 mount with controllers (Debian 11+, Fedora, RHEL 9);
/// - **v1** (legacy): one mount per controller (or per group of comounted controllers).
///
/// A *hybrid* host (systemd's default before v2 took over, and this build machine) has
/// the v1 controllers plus a cgroup2 mount at `/sys/fs/cgroup/unified` that holds no
/// controllers: limits can only be set through v1 there, so a cgroup2 mount counts only
/// when its root offers controllers.
public struct CgroupHierarchy: Equatable, Sendable {
    public enum Version: String, Sendable { case v1, v2 }

    public let version: Version
    /// v1: controller name → mount point; v2: every enabled controller → the one mount.
    public let mounts: [String: String]

    /// The v1 controllers podctl uses: limits (memory, cpu, pids), usage (cpuacct), the
    /// freezer, which makes a kill of everything in a cgroup race-free, and devices, which
    /// holds a container to its device allow-list (v2 has a BPF program for that instead).
    public static let v1Controllers = ["cpu", "cpuacct", "memory", "pids", "freezer", "devices"]
    /// The v2 controllers podctl enables down its tree.
    public static let v2Controllers = ["cpu", "memory", "pids"]

    public init(version: Version, mounts: [String: String]) {
        self.version = version
        self.mounts = mounts
    }

    /// The host's hierarchy from /proc/self/mountinfo, or nil when no usable cgroup
    /// filesystem is mounted (pods then run without limits, with a warning).
    public static func detect() -> CgroupHierarchy? {
        guard let text = try? Files.readText("/proc/self/mountinfo") else { return nil }
        return detect(mountinfo: text) { try? Files.readText($0 + "/cgroup.controllers") }
    }

    /// `controllers` reads a cgroup2 root's `cgroup.controllers` (a parameter for tests).
    public static func detect(mountinfo: String, controllers: (String) -> String?) -> CgroupHierarchy? {
        var v1: [String: String] = [:]
        for line in mountinfo.split(separator: "\n") {
            // proc(5): ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
            let halves = line.split(separator: " - ", maxSplits: 1)
            guard halves.count == 2 else { continue }
            let before = halves[0].split(separator: " ")
            let after = halves[1].split(separator: " ")
            guard before.count >= 5, after.count >= 3 else { continue }
            let mountPoint = unescape(String(before[4]))
            if after[0] == "cgroup2" {
                let offered = (controllers(mountPoint) ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
                let usable = v2Controllers.filter(offered.contains)
                if !usable.isEmpty {
                    return CgroupHierarchy(version: .v2, mounts: Dictionary(uniqueKeysWithValues: usable.map { ($0, mountPoint) }))
                }
            } else if after[0] == "cgroup" {
                for option in after[2].split(separator: ",") where v1Controllers.contains(String(option)) {
                    v1[String(option)] = v1[String(option)] ?? mountPoint
                }
            }
        }
        return v1.isEmpty ? nil : CgroupHierarchy(version: .v1, mounts: v1)
    }

    /// mountinfo escapes space, tab, newline and backslash as octal (`\040`).
    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            if byte == UInt8(ascii: "\\"), utf8.count >= 4, let value = UInt8(String(decoding: utf8.dropFirst().prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(4)
            } else {
                bytes.append(byte)
                utf8 = utf8.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The distinct mount points, each once (comounted controllers share one).
    public var mountPoints: [String] { Array(Set(mounts.values)).sorted() }

    public func has(_ controller: String) -> Bool { mounts[controller] != nil }

    /// The cgroup at `path` (absolute within the hierarchy: `/podctl/pod…/ctr_web`).
    public func cgroup(_ path: String) -> Cgroup { Cgroup(hierarchy: self, path: path) }
}
