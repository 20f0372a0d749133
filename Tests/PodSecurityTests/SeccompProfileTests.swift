import Foundation
import PodLaunch
import PodSecurity
import Testing

let testHost = Host(kernel: KernelVersion(major: 6, minor: 1), architectures: ["x86_64", "x86", "x32"], goArchitecture: "amd64")

@Suite struct DefaultSeccompProfileTests {
    func allowed(_ filter: SeccompFilter) -> Set<String> {
        Set(filter.rules.filter { $0.action == .allow && $0.arguments.isEmpty }.flatMap(\.names))
    }

    @Test func refusesWithEPERMAndCoversTheThirtyTwoBitABIs() {
        let filter = DefaultSeccompProfile.filter(capabilities: Capability.defaultSet, host: testHost)
        #expect(filter.defaultAction == .errno(1))
        #expect(filter.architectures == ["x86_64", "x86", "x32"])
    }

    @Test func dangerousCallsAreNotAllowedWithTheDefaultCapabilities() {
        let allowed = allowed(DefaultSeccompProfile.filter(capabilities: Capability.defaultSet, host: testHost))
        let refused = [
            "mount", "umount", "umount2", "unshare", "setns", "keyctl", "add_key", "request_key", "bpf", "perf_event_open",
            "kexec_load", "kexec_file_load", "open_by_handle_at", "init_module", "finit_module", "delete_module",
            "userfaultfd", "reboot", "swapon", "swapoff", "pivot_root", "acct", "lookup_dcookie", "quotactl", "iopl",
            "ioperm", "settimeofday", "clock_settime", "stime", "syslog", "vhangup", "nfsservctl", "personality",
            "clone", "clone3", "socket", "io_uring_setup", "io_uring_enter", "fsopen", "move_mount", "open_tree",
            "sethostname", "setdomainname", "chroot" + "_not",
        ]
        #expect(allowed.intersection(refused).sorted() == [])
        for name in ["read", "write", "execve", "execveat", "openat", "mmap", "futex", "rt_sigaction", "wait4", "chroot", "arch_prctl", "ptrace"] {
            #expect(allowed.contains(name), "\(name) is allowed")
        }
    }

    @Test func cloneIsAllowedOnlyWithoutNamespaceFlagsAndClone3SaysENOSYS() {
        let filter = DefaultSeccompProfile.filter(capabilities: Capability.defaultSet, host: testHost)
        let clone = filter.rules.first { $0.names == ["clone"] }
        #expect(clone?.arguments == [SeccompArgument(index: 0, op: .maskedEqual, value: 0x7E02_0000, valueTwo: 0)])
        #expect(filter.rules.contains { $0.names == ["clone3"] && $0.action == .errno(38) })
    }

    @Test func onlyOrdinaryPersonalitiesAndNoVsock() {
        let filter = DefaultSeccompProfile.filter(capabilities: Capability.defaultSet, host: testHost)
        let personas = filter.rules.filter { $0.names == ["personality"] }.flatMap(\.arguments)
        #expect(personas.allSatisfy { $0.op == .equal && $0.index == 0 })
        #expect(personas.map(\.value) == [0, 8, 0x20000, 0x20008, 0xffff_ffff])
        #expect(filter.rules.first { $0.names == ["socket"] }?.arguments == [SeccompArgument(index: 0, op: .notEqual, value: 40)])
    }

    @Test func keptCapabilitiesOpenTheirCalls() {
        let admin = allowed(DefaultSeccompProfile.filter(capabilities: Capability.kept(privileged: false, add: ["SYS_ADMIN", "SYS_TIME"], drop: []), host: testHost))
        for name in ["mount", "umount2", "unshare", "setns", "clone", "clone3", "settimeofday", "clock_settime"] {
            #expect(admin.contains(name), "\(name) with SYS_ADMIN and SYS_TIME")
        }
        let admin2 = DefaultSeccompProfile.filter(capabilities: Capability.kept(privileged: false, add: ["SYS_ADMIN"], drop: []), host: testHost)
        #expect(!admin2.rules.contains { $0.names == ["clone3"] }, "clone3 is allowed outright with SYS_ADMIN")
        let noChroot = allowed(DefaultSeccompProfile.filter(capabilities: Capability.kept(privileged: false, add: [], drop: ["SYS_CHROOT"]), host: testHost))
        #expect(!noChroot.contains("chroot"))
    }

    @Test func ptraceNeedsKernel48OrTheCapability() {
        let old = Host(kernel: KernelVersion(major: 4, minor: 4), architectures: ["x86_64"], goArchitecture: "amd64")
        #expect(!allowed(DefaultSeccompProfile.filter(capabilities: Capability.defaultSet, host: old)).contains("ptrace"))
        #expect(allowed(DefaultSeccompProfile.filter(capabilities: Capability.defaultSet | Capability.mask("SYS_PTRACE")!, host: old)).contains("ptrace"))
    }

    @Test func namesAreNotRepeated() {
        let filter = DefaultSeccompProfile.filter(capabilities: Capability.all, host: testHost)
        let names = filter.rules[0].names
        #expect(Set(names).count == names.count)
    }

    @Test func kernelVersionsParse() {
        #expect(KernelVersion("6.18.44-fc-v669") == KernelVersion(major: 6, minor: 18))
        #expect(KernelVersion("4.8") == KernelVersion(major: 4, minor: 8))
        #expect(KernelVersion("x") == nil)
        #expect(KernelVersion(major: 4, minor: 10) > KernelVersion(major: 4, minor: 8))
    }
}

@Suite struct ConfinementPolicyTests {
    @Test func aDefaultContainerIsConfinedEveryWay() throws {
        let confinement = try ConfinementPolicy.confinement(for: SecurityRequest(), profileDirectory: "/nonexistent", host: testHost)
        #expect(confinement.capabilities == Capability.sets(kept: Capability.defaultSet))
        #expect(confinement.noNewPrivileges)
        #expect(confinement.seccomp?.defaultAction == .errno(1))
        #expect(confinement.maskedPaths.contains("/proc/kcore"))
        #expect(confinement.readOnlyPaths.contains("/proc/sys"))
        #expect(!confinement.privileged)
    }

    @Test func privilegedHasEverythingAndNothingMaskedOrFiltered() throws {
        let confinement = try ConfinementPolicy.confinement(for: SecurityRequest(privileged: true, seccomp: .localhost("missing.json")), profileDirectory: "/nonexistent", host: testHost)
        #expect(confinement.capabilities.bounding == .max)
        #expect(confinement.seccomp == nil)
        #expect(confinement.maskedPaths.isEmpty && confinement.readOnlyPaths.isEmpty)
        #expect(!confinement.noNewPrivileges)
        #expect(confinement.privileged)
    }

    @Test func unmaskedProcAndUnconfinedSeccomp() throws {
        let confinement = try ConfinementPolicy.confinement(for: SecurityRequest(unmaskedProc: true, seccomp: .unconfined), profileDirectory: "/nonexistent", host: testHost)
        #expect(confinement.seccomp == nil)
        #expect(confinement.maskedPaths.isEmpty && confinement.readOnlyPaths.isEmpty)
        #expect(confinement.capabilities.bounding == Capability.defaultSet)
    }

    @Test func aMissingLocalhostProfileIsAnErrorNamingTheFile() {
        #expect {
            try ConfinementPolicy.confinement(for: SecurityRequest(seccomp: .localhost("nope.json")), profileDirectory: "/nonexistent", host: testHost)
        } throws: { error in
            "\(error)".contains("/nonexistent/nope.json")
        }
    }
}

@Suite struct SecurityDocTests {
    /// docs/security.md lists the allowed calls between two markers, in order, as code spans.
    @Test func theDocListsTheAllowedCallsAsTheCodeDoes() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: repository.appendingPathComponent("docs/security.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "<!-- allowed:begin -->"))
        let stop = try #require(doc.range(of: "<!-- allowed:end -->"))
        let listed = doc[start.upperBound..<stop.lowerBound].split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(listed == DefaultSeccompProfile.allowed.sorted())
    }
}
