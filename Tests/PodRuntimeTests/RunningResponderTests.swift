import Glibc
import PodOS
@testable import PodRuntime
import PodStore
import PodTestSupport
import Testing

/// D67: the running pod-dns is the PID in its lock file, only if that process is alive
/// and was started as pod-dns with this root's lock; no root needed.
@Suite struct RunningResponderTests {
    func manager(_ directory: TemporaryDirectory) -> PodManager {
        PodManager(store: Store(roots: StoreRoots(root: directory.file("lib"), runRoot: directory.file("run"))))
    }

    func record(_ pid: pid_t, in manager: PodManager) throws {
        try Files.makeDirectories(manager.namesDirectory)
        try AtomicFile.write("\(pid)\n", to: manager.responderLock)
    }

    @Test func noLockFileOrAGarbledOneNamesNone() throws {
        let directory = TemporaryDirectory("responder")
        let pods = manager(directory)
        #expect(pods.runningResponder() == nil)
        try Files.makeDirectories(pods.namesDirectory)
        try AtomicFile.write("not a pid\n", to: pods.responderLock)
        #expect(pods.runningResponder() == nil)
    }

    @Test func aLiveProcessThatIsNotThisRootsPodDNSIsNotNamed() throws {
        let directory = TemporaryDirectory("responder")
        let pods = manager(directory)
        try record(getpid(), in: pods)  // the test runner: alive, not pod-dns
        #expect(pods.runningResponder() == nil)
    }

    @Test func aPodDNSOfThisLockIsNamedAndOneOfAnotherLockIsNot() throws {
        let directory = TemporaryDirectory("responder")
        let pods = manager(directory)
        // A stand-in with pod-dns's name and arguments (bash's exec -a sets argv[0]).
        let ours = try spawnNamed(["--lock", pods.responderLock])
        defer { kill(ours, SIGKILL); var status: Int32 = 0; waitpid(ours, &status, 0) }
        try record(ours, in: pods)
        #expect(waitUntil(.seconds(10)) { pods.runningResponder() == ours })

        let other = manager(TemporaryDirectory("responder-other"))
        try record(ours, in: other)
        #expect(other.runningResponder() == nil, "started with another root's lock")
    }

    @Test func anExitedResponderIsNotNamedBeforeItIsReaped() throws {
        let directory = TemporaryDirectory("responder")
        let pods = manager(directory)
        let pid = try spawnNamed(["--lock", pods.responderLock])
        var status: Int32 = 0
        defer { waitpid(pid, &status, 0) }
        try record(pid, in: pods)
        #expect(waitUntil(.seconds(10)) { pods.runningResponder() == pid })
        kill(pid, SIGKILL)
        #expect(waitUntil(.seconds(10)) { ProcessIdentity.hasExited(pid) })
        #expect(pods.runningResponder() == nil)
    }

    /// A process named /x/pod-dns with `arguments` after it, stopped (SIGSTOP to itself,
    /// so it has no child to leave behind), until the test kills it.
    private func spawnNamed(_ arguments: [String]) throws -> pid_t {
        let command = ["/bin/bash", "-c", "exec -a /x/pod-dns /bin/bash -c \"kill -STOP \\$\\$; :\" \"$@\"", "sh"]
        var pid: pid_t = 0
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let result = posix_spawn(&pid, command[0], nil, nil, argv, environ)
        try #require(result == 0, "posix_spawn: \(String(cString: strerror(result)))")
        return pid
    }
}
