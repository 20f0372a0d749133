import Foundation
import Glibc
import PodTestSupport
import Testing

/// pod-init as PID 1 of a container's PID namespace, in front of a shell workload.
@Suite(TestEnvironment.needed) struct InitTests {
    @Test func exitsWithTheWorkloadsExitCode() throws {
        let container = try start("exit 7")
        #expect(container.exitStatus() == 7)
    }

    @Test func exits128PlusTheSignalThatKilledTheWorkload() throws {
        let container = try start("kill -9 $$")
        #expect(container.exitStatus() == 128 + SIGKILL)
    }

    @Test func forwardsSIGTERMToTheWorkload() throws {
        let scratch = try Scratch()
        let container = try start(
            "trap 'exit 42' TERM; echo > \(scratch.file("ready")); while :; do sleep 0.1; done")
        let pid = try #require(container.initPID(named: "pod-init"))
        #expect(waitUntil { scratch.exists("ready") })
        kill(pid, SIGTERM)
        #expect(container.exitStatus() == 42)
    }

    /// The signal goes to the workload's process group: a child of the workload gets it too.
    @Test func forwardsToTheWorkloadsProcessGroup() throws {
        let scratch = try Scratch()
        let child = "trap 'echo > \(scratch.file("child")); exit 0' TERM; echo > \(scratch.file("ready")); while :; do sleep 0.1; done"
        let container = try start("trap : TERM; sh -c \(shellQuoted(child)); exit 5")
        let pid = try #require(container.initPID(named: "pod-init"))
        #expect(waitUntil { scratch.exists("ready") })
        kill(pid, SIGTERM)
        #expect(container.exitStatus() == 5)
        #expect(scratch.exists("child"), "the workload's child never saw the SIGTERM")
    }

    /// With --no-group only the workload gets the signal: here it kills its child
    /// itself, and the child's own trap must never have run.
    @Test func forwardsToTheWorkloadAloneWithNoGroup() throws {
        let initBinary = try TestEnvironment.built("pod-init")
        let scratch = try Scratch()
        let child = "trap 'echo > \(scratch.file("child"))' TERM; echo > \(scratch.file("child-ready")); while :; do sleep 0.1; done"
        let script = "sh -c \(shellQuoted(child)) & trap 'kill -9 $!; exit 9' TERM; echo > \(scratch.file("ready")); wait"
        let container = try Namespaced([initBinary, "--no-group", "--", TestEnvironment.shell, "-c", script])
        let pid = try #require(container.initPID(named: "pod-init"))
        #expect(waitUntil { scratch.exists("ready") && scratch.exists("child-ready") })
        kill(pid, SIGTERM)
        #expect(container.exitStatus() == 9)
        #expect(!scratch.exists("child"), "the workload's child got the SIGTERM too")
    }

    @Test func reapsOrphansOfTheWorkload() throws {
        let scratch = try Scratch()
        let orphan = "sleep 0.3; echo > \(scratch.file("done"))"
        let container = try start("(sh -c \(shellQuoted(orphan)) &); exec sleep 30")
        let pid = try #require(container.initPID(named: "pod-init"))
        // Left: init and the workload (now `sleep 30`); an unreaped orphan stays a zombie.
        let reaped = waitUntil {
            scratch.exists("done") && ProcessEntry.inNamespace(of: pid).count == 2
        }
        #expect(reaped, "namespace holds \(ProcessEntry.inNamespace(of: pid).map { "\($0.name):\($0.state)" })")
        #expect(!ProcessEntry.inNamespace(of: pid).contains { $0.state == "Z" })
        kill(pid, SIGTERM)
        #expect(container.exitStatus() == 128 + SIGTERM)
    }

    /// The workload's exit ends the container at once, background processes or not:
    /// the kernel kills what is left when a namespace's init exits.
    @Test func exitsWhenTheWorkloadExitsEvenWithBackgroundProcessesLeft() throws {
        let container = try start("sleep 30 & exit 3")
        #expect(container.exitStatus(within: .seconds(3)) == 3)
    }

    @Test func reports127ForAMissingProgram() throws {
        let initBinary = try TestEnvironment.built("pod-init")
        let container = try Namespaced([initBinary, "--", "/nonexistent/program"])
        #expect(container.exitStatus() == 127)
        #expect(container.stderr.contains("pod-init: exec /nonexistent/program: No such file or directory"))
    }

    /// `pod-init -- /bin/sh -c script` in a fresh PID namespace.
    private func start(_ script: String) throws -> Namespaced {
        let initBinary = try TestEnvironment.built("pod-init")
        return try Namespaced([initBinary, "--", TestEnvironment.shell, "-c", script])
    }
}
