import PodLaunch
import PodSecurity
import Testing

@Suite struct ConfinementCodingTests {
    @Test func aConfinementAndSysctlsSurviveThePlanCoding() throws {
        var container = ContainerLaunch()
        container.process.confinement = try ConfinementPolicy.confinement(for: SecurityRequest(add: ["NET_ADMIN"]), profileDirectory: "/nonexistent", host: testHost)
        container.process.confinement.seccomp?.log = true
        container.process.confinement.capabilities.ambient = 0x400
        container.placement = Placement(cgroupProcs: ["/sys/fs/cgroup/memory/podctl/pod1/ctr_web/cgroup.procs", "/sys/fs/cgroup/pids/podctl/pod1/ctr_web/cgroup.procs"], oomScoreAdj: -997)
        let decoded = try LaunchPlan.decode(LaunchPlan.container(container).encoded())
        #expect(decoded == .container(container))
        var sandbox = SandboxLaunch()
        sandbox.sysctls = ["net/ipv4/ip_local_port_range=1024 65000", "kernel/shm_rmid_forced=1"]
        #expect(try LaunchPlan.decode(LaunchPlan.sandbox(sandbox).encoded()) == .sandbox(sandbox))
    }

    @Test func aCompiledProgramTravelsInsteadOfTheRules() throws {
        var plan = ExecLaunch()
        plan.process.confinement = try ConfinementPolicy.confinement(for: SecurityRequest(), profileDirectory: "", host: testHost)
        let program = SeccompProgram(bytes: (0..<32).map { UInt8($0 * 7 & 0xff) })
        plan.process.confinement.seccomp?.program = program
        guard case let .exec(decoded) = try LaunchPlan.decode(LaunchPlan.exec(plan).encoded()) else {
            Issue.record("an exec plan decoded as another mode")
            return
        }
        #expect(decoded.process.confinement.seccomp?.program == program)
        #expect(decoded.process.confinement.seccomp?.rules == [])
        #expect(decoded.process.confinement.seccomp?.defaultAction == .errno(1))
        #expect(SeccompProgram(hex: program.hex) == program)
        #expect(SeccompProgram(hex: "0011") == nil, "not whole instructions")
        #expect(SeccompProgram(hex: "zz00000000000000") == nil)
    }

    @Test func noFilterStaysNoFilter() throws {
        var plan = ExecLaunch()
        plan.process.confinement = try ConfinementPolicy.confinement(for: SecurityRequest(privileged: true), profileDirectory: "", host: testHost)
        #expect(try LaunchPlan.decode(LaunchPlan.exec(plan).encoded()) == .exec(plan))
        #expect(try LaunchPlan.decode(LaunchPlan.exec(ExecLaunch()).encoded()) == .exec(ExecLaunch()))
    }

    @Test func malformedConfinementFieldsAreErrors() {
        func decode(_ plan: SandboxLaunch, _ edit: (inout [UInt8]) -> Void) -> String? {
            var bytes = LaunchPlan.sandbox(plan).encoded()
            edit(&bytes)
            do { _ = try LaunchPlan.decode(bytes); return nil } catch { return error.message }
        }
        var plan = SandboxLaunch()
        plan.placement.oomScoreAdj = 2000
        #expect(decode(plan) { _ in } == "the launch plan is malformed: oomScoreAdj is not in -1000…1000: 2000")
        plan.placement.oomScoreAdj = nil
        plan.sysctls = ["novalue"]
        #expect(decode(plan) { _ in } == "the launch plan is malformed: a sysctl without '=': novalue")
        plan.sysctls = []
        #expect(decode(plan) { $0.removeLast() }?.contains("truncated") == true)
    }

    @Test func actionsAsText() {
        for action in [SeccompAction.allow, .errno(1), .errno(38), .killProcess, .killThread, .trap, .log, .trace(7)] {
            #expect(SeccompAction(text: action.description) == action)
        }
        #expect(SeccompAction.errno(1).libseccompValue == 0x0005_0001)
        #expect(SeccompAction.allow.libseccompValue == 0x7fff_0000)
        #expect(SeccompAction(text: "errno:x") == nil)
        for action in [SeccompAction.allow, .errno(1), .errno(38), .killProcess, .killThread, .trap, .log, .trace(7)] {
            #expect(SeccompAction(libseccompValue: action.libseccompValue) == action)
        }
        #expect(SeccompAction(libseccompValue: 0x7fff_0001) == nil)
    }
}
