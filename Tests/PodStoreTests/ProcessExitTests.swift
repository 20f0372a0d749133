import Glibc
import PodOS
import Testing

/// ProcessExit wakes a waiter when the process exits, including one not yet reaped (a
/// zombie: delete waits on supervisors and pod-dns that PID 1 reaps when it gets to it).
@Suite struct ProcessExitTests {
    @Test func aLiveProcessIsWaitedForUntilTheDeadline() throws {
        let pid = try spawn(["/bin/sleep", "30"])
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        let started = monotonicSeconds()
        #expect(ProcessExit.wait(pid, seconds: 0.2) == false)
        #expect(monotonicSeconds() - started >= 0.19)
    }

    @Test func anExitWakesTheWaiterBeforeItIsReaped() throws {
        let pid = try spawn(["/bin/sh", "-c", "sleep 0.2"])
        var status: Int32 = 0
        defer { waitpid(pid, &status, 0) }
        let started = monotonicSeconds()
        #expect(ProcessExit.wait(pid, seconds: 10) == true)
        #expect(monotonicSeconds() - started < 5)
        #expect(ProcessIdentity.hasExited(pid), "not reaped yet: still a zombie")
    }

    @Test func noSuchProcessHasExited() {
        // PIDs above pid_max (at most 2^22) are never given out.
        #expect(ProcessExit.wait(1 << 23, seconds: 1) == true)
    }
}
