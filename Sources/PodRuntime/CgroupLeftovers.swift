import Foundation
import PodCgroups
import PodCore
import PodOS
import PodStore

/// Pod cgroups that delete could not remove within its deadline (a task stuck in the
/// kernel keeps a cgroup busy): one file per cgroup under `<root>/leftovers/cgroups/`,
/// named by the pod cgroup and holding its path within the hierarchy. Delete records a
/// cgroup here before it removes the pod's state, so nothing is forgotten; the next
/// apply or delete kills what is in each and removes it (docs/state.md). One file per
/// cgroup needs no lock: two podctl reclaiming the same cgroup do the same harmless work.
public struct CgroupLeftovers: Sendable {
    public let directory: String
    let hierarchy: CgroupHierarchy?

    public init(root: String, hierarchy: CgroupHierarchy? = CgroupHierarchy.detect()) {
        directory = root + "/leftovers/cgroups"
        self.hierarchy = hierarchy
    }

    /// Records a cgroup (its path within the hierarchy, `/podctl/pod<uid>`).
    public func record(_ cgroupPath: String) throws(PodError) {
        try Files.makeDirectories(directory, mode: 0o700)
        try AtomicFile.write(cgroupPath + "\n", to: file(for: cgroupPath))
    }

    /// The recorded cgroup paths.
    public func recorded() -> [String] {
        let names = ((try? Files.list(directory)) ?? []).filter { !$0.hasPrefix(AtomicFile.temporaryPrefix) }
        return names.sorted().compactMap { name in
            (try? Files.readText(directory + "/" + name)).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
    }

    /// Kills and removes every recorded cgroup; a record goes with its cgroup. Returns
    /// the paths reclaimed now. `seconds` bounds the work per cgroup.
    @discardableResult
    public func reclaim(seconds: Double = 2) -> [String] {
        var reclaimed: [String] = []
        for path in recorded() {
            // Only a pod cgroup: a damaged record must not aim the kill at anything else.
            guard Self.isPodCgroup(path) else { try? Files.remove(file(for: path)); continue }
            if let hierarchy, !hierarchy.cgroup(path).teardown(seconds: seconds).isEmpty { continue }
            try? Files.remove(file(for: path))
            reclaimed.append(path)
        }
        return reclaimed
    }

    /// `/…/pod<uid>`, as CgroupLayout names pod cgroups (a UUID: hex digits and dashes),
    /// with no `.` or `..` part: never the cgroup root above every pod (`/podctl`).
    static func isPodCgroup(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard path.hasPrefix("/"), let last = parts.last, last.hasPrefix("pod") else { return false }
        let uid = last.dropFirst(3)
        guard !uid.isEmpty, uid.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { return false }
        return !parts.contains { $0 == "." || $0 == ".." }
    }

    private func file(for cgroupPath: String) -> String {
        directory + "/" + Files.basename(of: cgroupPath)
    }
}
