import PodOS
import Testing

/// /proc/self/mountinfo as MountTable reads it to judge a hostPath's propagation (D70):
/// the optional fields decide, a mount point with escaped characters is unescaped, and
/// lines that are short, damaged or of another mount never match.
struct MountTableTests {
    static let mountinfo = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        41 22 0:40 / /srv/shared rw shared:7 master:3 - tmpfs none rw
        42 22 0:41 / /srv/slave rw master:7 - tmpfs none rw
        43 22 0:42 / /srv/with\\040space\\134x rw - tmpfs none rw
        garbage line
        44
        45 22 0:43 / /srv/evil rw shared:9
        """

    @Test func optionalFieldsDecideThePropagation() {
        #expect(MountTable.entry(id: 22, mountinfo: Self.mountinfo) == .init(id: 22, mountPoint: "/", shared: true, slave: false))
        #expect(MountTable.entry(id: 41, mountinfo: Self.mountinfo) == .init(id: 41, mountPoint: "/srv/shared", shared: true, slave: true))
        #expect(MountTable.entry(id: 42, mountinfo: Self.mountinfo) == .init(id: 42, mountPoint: "/srv/slave", shared: false, slave: true))
        #expect(MountTable.entry(id: 43, mountinfo: Self.mountinfo) == .init(id: 43, mountPoint: "/srv/with space\\x", shared: false, slave: false))
    }

    @Test func damagedOrMissingLinesNeverMatch() {
        #expect(MountTable.entry(id: 44, mountinfo: Self.mountinfo) == nil)
        #expect(MountTable.entry(id: 99, mountinfo: Self.mountinfo) == nil)
        #expect(MountTable.entry(id: 1, mountinfo: "") == nil)
        // No "-" separator: the optional fields run to the end, and still only name propagation.
        #expect(MountTable.entry(id: 45, mountinfo: Self.mountinfo)?.shared == true)
        // A bad escape is kept as it is rather than read past the end.
        #expect(MountTable.entry(id: 7, mountinfo: "7 1 0:1 / /a\\9 rw - tmpfs none rw")?.mountPoint == "/a\\9")
    }

    @Test func theRootOfThisProcessIsInTheTable() throws {
        let entry = try MountTable.entry(of: "/")
        #expect(entry.mountPoint == "/")
    }
}
