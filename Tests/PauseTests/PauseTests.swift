import Foundation
import Glibc
import PodTestSupport
import Testing

/// pod-pause as PID 1 of a PID namespace: reaping, forwarding SIGTERM, exiting.
@Suite(TestEnvironment.needed) struct PauseTests {
    @Test func exitsAtOnceOnSIGTERMWhenAlone() throws {
        let pause = try TestEnvironment.built("pod-pause")
        let pod = try Namespaced([pause])
        let pid = try #require(pod.initPID(named: "pod-pause"))
        kill(pid, SIGTERM)
        #expect(pod.exitStatus(within: .seconds(2)) == 0)
    }

    @Test func reapsADoubleForkedOrphan() throws {
        let pause = try TestEnvironment.built("pod-pause")
        let scratch = try Scratch()
        // The subshell starts the orphan and exits at once, so the orphan's parent is
        // gone and it reparents to PID 1, which by then is pause (sh exec's it).
        let orphan = "sleep 0.3; echo > \(scratch.file("done"))"
        let pod = try Namespaced([TestEnvironment.shell, "-c", "(sh -c \(shellQuoted(orphan)) &); exec \(pause)"])
        let pid = try #require(pod.initPID(named: "pod-pause"))
        // Unreaped, the orphan would stay in the namespace as a zombie for good.
        let reaped = waitUntil {
            scratch.exists("done") && ProcessEntry.inNamespace(of: pid).map(\.pid) == [pid]
        }
        #expect(reaped, "namespace still holds \(ProcessEntry.inNamespace(of: pid).map { "\($0.name):\($0.state)" })")
        kill(pid, SIGTERM)
        #expect(pod.exitStatus() == 0)
    }

    @Test func forwardsSIGTERMAndExitsOnceTheNamespaceIsEmpty() throws {
        let pause = try TestEnvironment.built("pod-pause")
        let scratch = try Scratch()
        let app = "trap 'echo > \(scratch.file("term")); exit 0' TERM; echo > \(scratch.file("ready")); while :; do sleep 0.1; done"
        let pod = try Namespaced([TestEnvironment.shell, "-c", "sh -c \(shellQuoted(app)) & exec \(pause)"])
        let pid = try #require(pod.initPID(named: "pod-pause"))
        #expect(waitUntil { scratch.exists("ready") })
        kill(pid, SIGTERM)
        #expect(pod.exitStatus() == 0)
        #expect(scratch.exists("term"), "the app never saw the SIGTERM")
    }

    /// A process that joined with setns(2) is not pause's child: pause learns of its
    /// exit only by looking, and must not exit while it lives.
    @Test func waitsForProcessesThatAreNotItsChildren() throws {
        let pause = try TestEnvironment.built("pod-pause")
        let scratch = try Scratch()
        let pod = try Namespaced([pause])
        let pid = try #require(pod.initPID(named: "pod-pause"))
        let stubborn = try enter(pid, "trap 'echo > \(scratch.file("term"))' TERM; echo > \(scratch.file("ready")); while :; do sleep 0.1; done")
        defer { kill(stubborn.processIdentifier, SIGKILL) }
        #expect(waitUntil { scratch.exists("ready") })

        kill(pid, SIGTERM)
        #expect(waitUntil { scratch.exists("term") }, "pause did not forward SIGTERM")
        #expect(!waitUntil(.milliseconds(500)) { !pod.unshare.isRunning }, "pause exited while a process was left")

        for entry in ProcessEntry.inNamespace(of: pid) where entry.pid != pid { kill(entry.pid, SIGKILL) }
        #expect(pod.exitStatus() == 0)
    }

    @Test func ignoresSIGHUPAndSIGUSR1AndSIGCHLD() throws {
        let pause = try TestEnvironment.built("pod-pause")
        let pod = try Namespaced([pause])
        let pid = try #require(pod.initPID(named: "pod-pause"))
        for signal in [SIGHUP, SIGUSR1, SIGUSR2, SIGPIPE, SIGCHLD] { kill(pid, signal) }
        #expect(!waitUntil(.milliseconds(300)) { !pod.unshare.isRunning }, "pause exited on an ignored signal")
        kill(pid, SIGINT)
        #expect(pod.exitStatus() == 0)
    }

    /// `sh -c script` run inside pause's PID namespace by nsenter, which stays outside
    /// and is the parent.
    private func enter(_ pid: pid_t, _ script: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.nsenter)
        process.arguments = ["--target", "\(pid)", "--pid", "--", TestEnvironment.shell, "-c", script]
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice  // sh's "Terminated" for its killed sleeps
        try process.run()
        return process
    }
}
