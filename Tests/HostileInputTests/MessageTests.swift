import Foundation
import Glibc
import PodTestSupport
import Testing

/// #14 finding 10: messages and exit codes. A user who may not read the state gets a
/// permission error, not "not found"; after its supervisor is killed a pod is Unknown
/// in describe and exec alike, and exec reaches a container that still runs.
@Suite(.serialized) struct MessageTests {
    @Test(.needsRoot, arguments: [["logs", "orphan"], ["exec", "orphan", "--", "true"], ["wait", "--for=condition=Ready", "pod/orphan", "--timeout=0"]])
    func aUserWhoMayNotReadTheStateGetsAPermissionError(command: [String]) throws {
        let harness = try Harness()
        let nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", Harness.binary]
        let result = try harness.run(nobody + command, podctl: false)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("permission denied"), "\(result.stderr)")
        #expect(result.stderr.contains("belongs to"), "\(result.stderr)")
        #expect(!result.stderr.contains("not found"))
    }

    @Test(.needsRoot) func afterItsSupervisorIsKilledDescribeAndExecAgree() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(TestManifests.sleeper("orphan"))
        try harness.waitForRunning("orphan", containers: ["app"])
        let supervisor = try #require(try harness.status("orphan")["supervisorPID"] as? Int)
        kill(pid_t(supervisor), SIGKILL)
        try harness.waitFor("the supervisor to be gone") { kill(pid_t(supervisor), 0) != 0 }

        let describe = try harness.run(["describe", "pod", "orphan"])
        #expect(describe.stdout.contains("Status:") && describe.stdout.contains("Unknown"), "\(describe.stdout)")
        #expect(describe.stdout.contains("supervisor is not running"))
        // The container still runs: exec reaches it, as describe's container state says.
        let exec = try harness.run(["exec", "orphan", "--", "true"])
        #expect(exec.status == 0, "\(exec.stderr)")

        let container = try #require(try harness.containerPID("orphan", "app"))
        kill(container, SIGKILL)
        try harness.waitFor("the container to be gone") { kill(container, 0) != 0 }
        let gone = try harness.run(["exec", "orphan", "--", "true"])
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("supervisor is not running"), "\(gone.stderr)")
        #expect(gone.stderr.contains("podctl delete pod orphan -n default"))
        #expect(try harness.run(["get", "pods"]).stdout.contains("Unknown"))
        #expect(try harness.run(["delete", "pod", "orphan", "--now"]).status == 0)
    }
}
