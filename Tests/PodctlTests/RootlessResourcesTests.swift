import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18 item 5 (D72): a non-root user's limits. On cgroup v2 (the QEMU guest of
/// deploy/cgroup2-guest.sh) the test delegates a directory to the account as an admin
/// would (chown of the directory and its cgroup.procs, cgroup.subtree_control and
/// cgroup.threads, controllers enabled above it) and starts podctl in a leaf of it, as
/// systemd starts a user's manager in user@UID.service/init.scope: the limits are in the
/// pod's cgroups below it, an allocation past one is OOMKilled, and delete leaves no
/// cgroup. On cgroup v1 (this build machine) nothing can be delegated: the pod runs, and
/// apply and the pod's one warning event name the fix.
@Suite(.serialized) struct RootlessResourcesTests {
    typealias Account = RootlessPodTests.Account

    /// `app` sleeps under a 48 MiB limit; `oom` fills a 128 MiB buffer past its 32 MiB.
    static func pod(oom: Bool) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: limited}
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - {name: app, image: localhost/busybox:1, command: [sleep, '600'], resources: {limits: {memory: 48Mi, cpu: 500m}}}
        """ + (oom ? "\n  - {name: oom, image: localhost/busybox:1, command: [dd, if=/dev/zero, of=/dev/null, bs=128M, count=1], resources: {limits: {memory: 32Mi}}}" : "")
    }

    /// The unified hierarchy with controllers at /sys/fs/cgroup (the guest), else nil.
    static var unifiedControllers: [String]? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/cgroup.controllers", encoding: .utf8) else { return nil }
        let controllers = text.split(whereSeparator: \.isWhitespace).map(String.init)
        return controllers.isEmpty ? nil : controllers
    }

    @Test(.needsRoot) func aUsersLimitsAreEnforcedInADelegatedSubtreeOrTheWarningNamesTheFix() throws {
        let account = try Account()
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        if let controllers = Self.unifiedControllers {
            try delegated(account, holder: uplink.host.pid, controllers: controllers)
        } else {
            try notDelegated(account, holder: uplink.host.pid)
        }
    }

    /// cgroup v1: no cgroups for the user's pod, which runs; the reason and the fix are
    /// on apply's stderr and in one Warning event.
    private func notDelegated(_ account: Account, holder: pid_t) throws {
        let loaded = try account.podctl(["image", "load", "-i", try Harness.testImages() + "/busybox-docker.tar"], in: holder)
        try #require(loaded.status == 0, "\(loaded.stderr)")
        let applied = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.pod(oom: false))
        try #require(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains("its resources are not enforced") && applied.stderr.contains("systemd.unified_cgroup_hierarchy=1")
                && applied.stderr.contains("PODCTL_CGROUP_ROOT"), "\(applied.stderr)")
        try waitUntil("the user's pod to run", timeout: 30) { try account.podctl(["get", "pods"], in: holder).stdout.contains("Running") }
        let described = try account.podctl(["describe", "pod", "limited"], in: holder).stdout
        #expect(described.components(separatedBy: "ResourceLimitsNotEnforced").count == 2, "one warning per pod: \(described)")
        #expect(described.contains("systemd-run --user --scope"), "\(described)")
        let deleted = try account.podctl(["delete", "pod", "limited"], in: holder)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try waitUntil(.seconds(10)) { Account.processes(of: account.uid).isEmpty }, "left: \(Harness.describe(Account.processes(of: account.uid)))")
    }

    /// cgroup v2 with a delegated directory: limits in memory.max, OOMKilled, nothing left.
    private func delegated(_ account: Account, holder: pid_t, controllers: [String]) throws {
        let delegation = try Delegation(account, controllers: controllers)
        defer { delegation.remove() }
        let login = delegation.login
        let loaded = try account.podctl(["image", "load", "-i", try Harness.testImages() + "/busybox-docker.tar"], in: holder, cgroup: login)
        try #require(loaded.status == 0, "\(loaded.stderr)")
        let applied = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.pod(oom: true), cgroup: login)
        try #require(applied.status == 0, "\(applied.stderr)")
        #expect(!applied.stderr.contains("not enforced"), "\(applied.stderr)")

        // The pods' root is podctl below the delegated directory (CgroupDelegation).
        let root = delegation.directory + "/podctl"
        let pods = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("pod") }
        try #require(pods.count == 1, "pod cgroups under \(root): \(pods)")
        let pod = root + "/" + pods[0]
        func read(_ file: String) -> String { ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        try waitUntil("the OOMKilled exit of oom", timeout: 120) {
            let json = try account.podctl(["get", "pod", "limited", "-o", "json"], in: holder, cgroup: login).stdout
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let statuses = ((object?["status"] as? [String: Any])?["containerStatuses"] as? [[String: Any]]) ?? []
            let oom = statuses.first { $0["name"] as? String == "oom" }
            let terminated = (oom?["state"] as? [String: Any])?["terminated"] as? [String: Any]
            return terminated?["reason"] as? String == "OOMKilled"
        }
        #expect(read(pod + "/ctr_app/memory.max") == String(48 << 20))
        #expect(read(pod + "/ctr_app/cpu.max") == "50000 100000" || !controllers.contains("cpu"), "\(read(pod + "/ctr_app/cpu.max"))")
        #expect(read(pod + "/ctr_oom/memory.max") == String(32 << 20))
        #expect(read(pod + "/memory.max") == String(80 << 20), "the pod's sum")
        #expect(read(pod + "/ctr_oom/memory.events").contains("oom_kill 1"), "\(read(pod + "/ctr_oom/memory.events"))")
        let sleeper = read(pod + "/ctr_app/cgroup.procs").split(separator: "\n")
        #expect(sleeper.count >= 1, "app's processes are in its cgroup")
        // An exec from inside the delegation joins the container's cgroup (and its cgroup
        // namespace, rooted there); one from outside cannot (Delegation Containment) and
        // runs in the caller's cgroup instead, as rootless runc's.
        let inside = try account.podctl(["exec", "limited", "-c", "app", "--", "cat", "/proc/self/cgroup"], in: holder, cgroup: login)
        #expect(inside.status == 0 && inside.stdout == "0::/\n", "\(inside.stdout)\(inside.stderr)")
        let outside = try account.podctl(["exec", "limited", "-c", "app", "--", "true"], in: holder)
        #expect(outside.status == 0, "\(outside.stderr)")
        let described = try account.podctl(["describe", "pod", "limited"], in: holder, cgroup: login).stdout
        #expect(described.contains("OOMKilled") && !described.contains("ResourceLimitsNotEnforced"), "\(described)")
        let top = try account.podctl(["top", "pod", "limited", "--interval", "0.5"], in: holder, cgroup: login)
        #expect(top.status == 0 && top.stdout.contains("limited"), "\(top.stdout)\(top.stderr)")

        let deleted = try account.podctl(["delete", "pod", "limited"], in: holder, cgroup: login)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pod), "delete leaves no cgroup: \(pod)")
        #expect(try waitUntil(.seconds(20)) { Account.processes(of: account.uid).isEmpty }, "left: \(Harness.describe(Account.processes(of: account.uid)))")
    }

    /// A directory delegated to the account, as cgroup-v2.rst's "Delegation" describes:
    /// the controllers enabled in the root, the directory and its cgroup.procs,
    /// cgroup.subtree_control and cgroup.threads the account's, and a `login` leaf, the
    /// account's too, that podctl starts in.
    final class Delegation {
        let directory: String
        var login: String { directory + "/login" }

        init(_ account: Account, controllers: [String]) throws {
            directory = "/sys/fs/cgroup/podctl-rootless-\(getpid())-\(account.uid)"
            let enable = ["cpu", "memory", "pids"].filter(controllers.contains).map { "+" + $0 }.joined(separator: " ")
            try enable.write(toFile: "/sys/fs/cgroup/cgroup.subtree_control", atomically: false, encoding: .utf8)
            for cgroup in [directory, login] {
                guard mkdir(cgroup, 0o755) == 0 else { throw HarnessError("mkdir \(cgroup): errno \(errno)") }
                for path in [cgroup, cgroup + "/cgroup.procs", cgroup + "/cgroup.subtree_control", cgroup + "/cgroup.threads"] {
                    guard chown(path, account.uid, account.gid) == 0 else { throw HarnessError("chown \(path): errno \(errno)") }
                }
            }
        }

        /// Whatever is left, deepest first: a failed test's pods too.
        func remove() {
            let below = ((FileManager.default.enumerator(atPath: directory)?.allObjects as? [String]) ?? []).map { directory + "/" + $0 }
            for cgroup in (below + [directory]).sorted(by: { $0.count > $1.count }) where FileManager.default.fileExists(atPath: cgroup + "/cgroup.procs") {
                try? "1".write(toFile: cgroup + "/cgroup.kill", atomically: false, encoding: .utf8)
                for _ in 0..<100 where rmdir(cgroup) != 0 { usleep(20_000) }
            }
        }
    }
}
