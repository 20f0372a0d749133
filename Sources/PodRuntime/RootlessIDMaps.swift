import PodCore
import Glibc

/// The user namespace of a non-root user's pods (#18), as rootless Podman maps it:
/// container root is the user on the host, container IDs 1… are the user's subordinate
/// ranges of /etc/subuid and /etc/subgid one after the other. Without subordinate ranges
/// only the user's own ID is mapped, which is all an unprivileged process may map
/// itself (user_namespaces(7)): images with files owned by other IDs cannot be used then.
/// newuidmap(1) and newgidmap(1), setuid root, write the maps after checking each range
/// against the same files.
public struct RootlessIDMaps: Equatable, Sendable {
    /// One line of a map: `inside outside count`.
    public struct Line: Equatable, Sendable {
        public var inside: UInt32
        public var outside: UInt32
        public var count: UInt32
    }

    public var uids: [Line]
    public var gids: [Line]

    /// The maps of the user `uid`/`gid`, its own ID first, then its ranges.
    public init(uid: UInt32, gid: UInt32, subuids: [SubordinateIDs.Range], subgids: [SubordinateIDs.Range]) {
        uids = Self.lines(own: uid, ranges: subuids)
        gids = Self.lines(own: gid, ranges: subgids)
    }

    static func lines(own: UInt32, ranges: [SubordinateIDs.Range]) -> [Line] {
        var lines = [Line(inside: 0, outside: own, count: 1)]
        var next: UInt64 = 1
        for range in ranges where next + UInt64(range.count) <= UInt64(UInt32.max) {
            lines.append(Line(inside: UInt32(next), outside: range.start, count: range.count))
            next += UInt64(range.count)
        }
        return lines
    }

    /// Only the user's own IDs are mapped (no subordinate range in one file or both).
    public var isSingleID: Bool { uids.count == 1 || gids.count == 1 }

    /// The arguments of newuidmap or newgidmap for the process `pid`: `PID INSIDE OUTSIDE COUNT…`.
    public static func arguments(pid: Int32, _ lines: [Line]) -> [String] {
        [String(pid)] + lines.flatMap { [String($0.inside), String($0.outside), String($0.count)] }
    }

    /// The maps of the user running podctl, from /etc/subuid and /etc/subgid (by login
    /// name or UID, as shadow's newuidmap matches them).
    public static func forUser(uid: UInt32, gid: UInt32, name: String?, subuid: String = "/etc/subuid", subgid: String = "/etc/subgid") throws(PodError) -> RootlessIDMaps {
        let names = Set([String(uid)] + (name.map { [$0] } ?? []))
        return RootlessIDMaps(uid: uid, gid: gid, subuids: try SubordinateIDs.ranges(of: names, in: subuid), subgids: try SubordinateIDs.ranges(of: names, in: subgid))
    }

    /// What apply prints when only the user's own ID is mapped.
    public func singleIDWarning(user: String) -> String? {
        guard isSingleID else { return nil }
        return """
            \(user) has no subordinate IDs in /etc/subuid and /etc/subgid: only your own ID is mapped (root in the pod), \
            so images with files owned by other users or groups will not work; \
            add a range with `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 \(user)`
            """
    }

    /// newuidmap or newgidmap, from Debian's uidmap package; a clear error without it.
    public static func mapper(_ name: String, in directories: [String] = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) throws(PodError) -> String {
        for directory in directories where access(directory + "/" + name, X_OK) == 0 { return directory + "/" + name }
        throw PodError(.notFound, """
            \(name) was not found (in \(directories.joined(separator: ", "))): a non-root user's pods need it to map \
            their user namespace; install the uidmap package (apt-get install uidmap)
            """)
    }
}
