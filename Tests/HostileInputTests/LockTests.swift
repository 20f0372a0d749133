import Foundation
import Glibc
import PodTestSupport
import Testing

/// #14 finding 8: lock files exist only for pods that exist (no file after a refused
/// apply, a lost race or a delete of an absent pod), and the lock-held message names
/// the live holder, not a pid written into the file by someone long gone.
@Suite(.serialized) struct LockTests {
    static func lockFiles(_ harness: Harness) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: harness.base + "/run/locks")) ?? []).sorted()
    }

    /// A pod whose Localhost seccomp profile does not exist: apply takes the lock and is
    /// refused when it plans the pod. (A missing image no longer refuses: the pod waits
    /// for it, D58.)
    static let refused = """
        apiVersion: v1
        kind: Pod
        metadata: {name: refused}
        spec:
          containers:
          - name: app
            image: localhost/busybox:1
            securityContext: {seccompProfile: {type: Localhost, localhostProfile: absent.json}}
        """

    @Test(.needsRoot) func refusedAppliesAndDeletesOfAbsentPodsLeaveNoLockFile() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let refusal = try harness.run(["apply", "-f", "-"], stdin: Self.refused)
        #expect(refusal.status != 0, "\(refusal.stdout)")
        let absent = try harness.run(["delete", "pod", "no-such-pod"])
        #expect(absent.status == 1)
        #expect(Self.lockFiles(harness).isEmpty, "\(Self.lockFiles(harness))")
    }

    @Test(.needsRoot) func racingAppliesAndDeletesLeaveNoLockFile() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let group = DispatchGroup()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: group) { _ = try? harness.run(["apply", "-f", "-"], stdin: Self.refused) }
            DispatchQueue.global().async(group: group) { _ = try? harness.run(["delete", "pod", "refused", "--ignore-not-found"]) }
        }
        group.wait()
        #expect(Self.lockFiles(harness).isEmpty, "\(Self.lockFiles(harness))")
    }

    @Test(.needsRoot) func theLockHeldMessageNamesTheLiveHolder() throws {
        let harness = try Harness()
        try FileManager.default.createDirectory(atPath: harness.base + "/run/locks", withIntermediateDirectories: true)
        let path = harness.base + "/run/locks/default_held.lock"
        // A pid that is not running written into the file, as a crashed holder leaves it.
        try "999999999\n".write(toFile: path, atomically: false, encoding: .utf8)
        let fd = open(path, O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX) == 0)
        setenv("PODCTL_LOCK_WAIT", "0.2", 1)
        defer { unsetenv("PODCTL_LOCK_WAIT") }
        let result = try harness.run(["delete", "pod", "held"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("(pid \(getpid())"), "\(result.stderr)")
        #expect(!result.stderr.contains("999999999"))
    }
}
