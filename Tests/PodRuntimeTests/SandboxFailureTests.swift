@testable import PodRuntime
import PodCore
import Testing

/// #14 finding 10: a hostPort lost to another pod between apply's check and the
/// supervisor's publish is the same conflict as one apply finds first: exit code 1 and
/// the same words; any other sandbox failure stays a host failure (exit 2).
@Suite struct SandboxFailureTests {
    @Test func aLostHostPortRaceIsTheConflictApplyReportsEarly() {
        let early = PodError(.alreadyExists, "hostPort 8080/TCP of pod default/b is already published by pod default/a (8080/TCP → 10.88.0.2:80)")
        var status = PodStatusRecord()
        status.phase = "Failed"
        status.reason = PodManager.hostPortConflict
        status.message = early.description
        let late = PodManager.sandboxFailure(status, log: "/run/podctl/pods/default/b/supervisor.log")
        #expect(late.code == early.code)
        #expect(late.code.exitCode == 1)
        #expect(late.description == early.description)
    }

    @Test func otherSandboxFailuresAreHostFailures() {
        var status = PodStatusRecord()
        status.phase = "Failed"
        status.reason = "NetworkSetupError"
        status.message = "cannot set up the pod's network: …"
        #expect(PodManager.sandboxFailure(status, log: "x").code.exitCode == 2)
    }
}
