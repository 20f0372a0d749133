import PodLaunch
import PodSecurity
import Testing

@Suite struct CapabilityTests {
    func names(_ set: UInt64) -> [String] { Capability.names(in: set) }

    @Test func theDefaultSetIsTheRuntimes() {
        #expect(names(Capability.defaultSet) == [
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
        ])
        // What `grep CapBnd /proc/self/status` shows in a Docker or containerd container.
        #expect(Capability.defaultSet == 0x00000000a80425fb)
        #expect(Capability.kept(privileged: false, add: [], drop: []) == Capability.defaultSet)
    }

    @Test func addAndDropTakeNamesWithOrWithoutThePrefixInAnyCase() {
        let kept = Capability.kept(privileged: false, add: ["NET_ADMIN", "cap_sys_time"], drop: ["CAP_CHOWN", "mknod"])
        #expect(kept & Capability.mask("NET_ADMIN")! != 0)
        #expect(kept & Capability.mask("SYS_TIME")! != 0)
        #expect(kept & Capability.mask("CHOWN")! == 0)
        #expect(kept & Capability.mask("MKNOD")! == 0)
        #expect(Capability.mask("NOT_A_CAP") == nil)
    }

    @Test func allIsAppliedBeforeTheNamedOnesAndDropWinsOverAdd() {
        #expect(Capability.kept(privileged: false, add: [], drop: ["ALL"]) == 0)
        #expect(names(Capability.kept(privileged: false, add: ["NET_BIND_SERVICE"], drop: ["ALL"])) == ["CAP_NET_BIND_SERVICE"])
        #expect(Capability.kept(privileged: false, add: ["ALL"], drop: []) == Capability.all)
        let allButChown = Capability.kept(privileged: false, add: ["ALL"], drop: ["CHOWN"])
        #expect(allButChown == Capability.all & ~1)
        #expect(Capability.kept(privileged: false, add: ["KILL", "NET_ADMIN"], drop: ["NET_ADMIN"]) == Capability.defaultSet)
        // Both ALLs: drop comes after add, as containerd orders them.
        #expect(Capability.kept(privileged: false, add: ["ALL"], drop: ["all"]) == 0)
    }

    @Test func privilegedGetsEverythingWhateverAddAndDropSay() {
        #expect(Capability.kept(privileged: true, add: [], drop: ["ALL"]) == Capability.all)
    }

    @Test func setsFollowContainerdBoundingPermittedEffectiveNoInheritableNoAmbient() {
        let sets = Capability.sets(kept: Capability.defaultSet)
        #expect(sets.bounding == Capability.defaultSet)
        #expect(sets.permitted == Capability.defaultSet)
        #expect(sets.effective == Capability.defaultSet)
        #expect(sets.inheritable == 0)
        #expect(sets.ambient == 0)
    }

    @Test func noNewPrivilegesIsSetUnlessEscalationIsAllowedOrImplied() {
        let plain = SecurityRequest()
        #expect(ConfinementPolicy.noNewPrivileges(plain, kept: Capability.defaultSet))
        #expect(!ConfinementPolicy.noNewPrivileges(SecurityRequest(allowPrivilegeEscalation: true), kept: Capability.defaultSet))
        #expect(ConfinementPolicy.noNewPrivileges(SecurityRequest(allowPrivilegeEscalation: false), kept: Capability.defaultSet))
        let admin = SecurityRequest(add: ["SYS_ADMIN"])
        #expect(!ConfinementPolicy.noNewPrivileges(admin, kept: Capability.kept(privileged: false, add: ["SYS_ADMIN"], drop: [])))
        #expect(!ConfinementPolicy.noNewPrivileges(SecurityRequest(privileged: true), kept: Capability.all))
    }
}
