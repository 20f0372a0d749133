@testable import PodRuntime
import Testing

/// supplementalGroupsPolicy (KEP-3619) without root: `Merge` adds the user's groups in the
/// image's /etc/group, `Strict` only what the pod gives; each group once, in order.
@Suite struct SupplementaryGroupsTests {
    static let groupFile = "root:x:0:\nusers:x:100:\ngroup-defined-in-image:x:50000:default-user\nother:x:60000:someone,default-user\n"

    @Test func mergeAddsTheImagesMembershipsAndStrictDoesNot() {
        let merged = RunPlanner.supplementaryGroups(groupFile: Self.groupFile, user: "default-user", strict: false, given: [1234], fsGroup: nil)
        #expect(merged == [50000, 60000, 1234])
        let strict = RunPlanner.supplementaryGroups(groupFile: Self.groupFile, user: "default-user", strict: true, given: [1234], fsGroup: nil)
        #expect(strict == [1234])
    }

    @Test func givenGroupsAndFSGroupComeOnceEach() {
        let groups = RunPlanner.supplementaryGroups(groupFile: Self.groupFile, user: "default-user", strict: false, given: [50000, 7, 7], fsGroup: 7)
        #expect(groups == [50000, 60000, 7])
        #expect(RunPlanner.supplementaryGroups(groupFile: "", user: nil, strict: false, given: [], fsGroup: 2000) == [2000])
    }

    @Test func theReportedGroupsStartWithThePrimaryGroup() {
        #expect(ContainerIdentity(uid: 1000, gid: 1000, groups: [1234, 1000, 50000]).allGroups == [1000, 1234, 50000])
    }
}
