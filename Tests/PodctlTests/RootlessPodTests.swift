import Foundation
import Glibc
import PodTestSupport
import Synchronization
import Testing

/// #18, step 3: a busybox pod run by an ordinary user (an account made for the test, with
/// subordinate ranges in /etc/subuid and /etc/subgid, dropped to with setpriv), inside a
/// throwaway network and mount namespace: it runs in the user network's user namespace
/// mapped by newuidmap/newgidmap (D65), root inside is the user outside, and delete
/// leaves nothing.
@Suite(.serialized) struct RootlessPodTests {
    /// A system account (useradd adds no subordinate IDs of its own to those) with one
    /// range of 65536 IDs, removed with its lines when the test ends, even on failure.
    final class Account {
        let name: String
        let uid: uid_t
        let gid: gid_t
        let base: TemporaryDirectory
        var home: String { base.file("home") }
        var data: String { home + "/.local/share" }
        var runtime: String { home + "/run" }

        private static let made = Mutex(0)

        init() throws {
            // Distinct per account (suites run side by side in one process) and per test
            // run, the range far above this machine's accounts and Debian's ranges.
            let serial = Self.made.withLock { count in count += 1; return count }
            name = "podrl\(getpid() % 100_000)x\(serial)"
            let first = 1_000_000_000 + UInt32(Int(getpid() % 5_000) * 8 + serial % 8) * 65_536
            try Self.root("/usr/sbin/useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name])
            guard let entry = getpwnam(name) else { throw HarnessError("useradd made no \(name)") }
            uid = entry.pointee.pw_uid
            gid = entry.pointee.pw_gid
            base = TemporaryDirectory("podctl-rootless")
            let range = "\(first)-\(first + 65_535)"
            try Self.root("/usr/sbin/usermod", ["--add-subuids", range, "--add-subgids", range, name])
            chmod(base.path, 0o711)
            for directory in [home, data, runtime] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                #expect(chown(directory, uid, gid) == 0 && chmod(directory, 0o700) == 0)
            }
        }

        deinit {
            // Whatever a failed test left of the account's processes, then the account;
            // userdel takes its /etc/subuid and /etc/subgid lines with it.
            for pid in Self.processes(of: uid) { kill(pid, SIGKILL) }
            _ = try? Self.root("/usr/sbin/userdel", [name])
        }

        /// podctl as the account, in the holder's namespaces, with its own XDG directories.
        /// `ignoringSIGPIPE`: started with SIGPIPE ignored, as systemd starts every service
        /// (IgnoreSIGPIPE=yes, the user unit's too), which an exec passes on (signal(7)).
        /// `cgroup`: a cgroup directory podctl starts in (root moves it there first), as
        /// systemd starts a user's processes in their delegated user@UID.service.
        /// `environment`: more variables (PODCTL_ROOTLESS_OVERLAY, say).
        func podctl(_ arguments: [String], in holder: pid_t, stdin: String? = nil, ignoringSIGPIPE: Bool = false, cgroup: String? = nil,
                    environment extra: [String: String] = [:]) throws -> CommandResult {
            let environment = ["PATH": "/usr/bin:/bin", "HOME": home, "XDG_DATA_HOME": data, "XDG_RUNTIME_DIR": runtime].merging(extra) { $1 }
            let ignoring = ignoringSIGPIPE ? ["/bin/sh", "-c", "trap '' PIPE; exec \"$@\"", "sh"] : []
            let dropped = ["-t", String(holder), "-n", "-m", "--", "/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--init-groups"] + ignoring + [Harness.binary]
            guard let cgroup else { return try Command.run("/usr/bin/nsenter", dropped + arguments, environment: environment, stdin: stdin) }
            let moved = ["-c", "echo $$ > \"$1/cgroup.procs\" && shift && exec \"$@\"", "sh", cgroup, "/usr/bin/nsenter"]
            return try Command.run("/bin/sh", moved + dropped + arguments, environment: environment, stdin: stdin)
        }

        @discardableResult
        static func root(_ program: String, _ arguments: [String]) throws -> CommandResult {
            let result = try Command.run(program, arguments, environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
            guard result.status == 0 else { throw HarnessError("\(program) \(arguments.joined(separator: " ")): \(result.stderr)") }
            return result
        }

        /// Every process whose real UID is `uid` (the `Uid:` line of /proc/PID/status).
        static func processes(of uid: uid_t) -> [pid_t] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }.filter { pid in
                let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
                let line = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }
                return line?.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first == Substring(String(uid))
            }
        }
    }

    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          volumes: [{name: scratch, emptyDir: {}}]
          containers:
          - {name: app, image: localhost/busybox:1, command: [sleep, '600'], volumeMounts: [{name: scratch, mountPath: /scratch}]}
        """

    @Test(.needsRoot) func aUsersBusyboxPodRunsInItsOwnUserNamespaceAndLeavesNothing() throws {
        let account = try Account()
        // The user's network needs pasta, and pasta a usable /dev/net/tun (RootlessNetworkTests).
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        let holder = uplink.host
        let archive = try Harness.testImages() + "/busybox-docker.tar"
        let loaded = try account.podctl(["image", "load", "-i", archive], in: holder.pid)
        try #require(loaded.status == 0, "\(loaded.stderr)")

        let applied = try account.podctl(["apply", "-f", "-"], in: holder.pid, stdin: Self.pod)
        try #require(applied.status == 0, "\(applied.stderr)")
        try waitUntil("the user's pod to run", timeout: 20) {
            try account.podctl(["get", "pods"], in: holder.pid).stdout.contains("Running")
        }
        let id = try account.podctl(["exec", "web", "--", "id", "-u"], in: holder.pid)
        #expect(id.status == 0 && id.stdout == "0\n", "\(id.stdout)\(id.stderr)")
        // Root in the pod is the user outside: container 0 maps to the account's UID.
        let map = try account.podctl(["exec", "web", "--", "cat", "/proc/self/uid_map"], in: holder.pid)
        #expect(map.stdout.split(separator: "\n").first?.split(separator: " ").map(String.init) == ["0", String(account.uid), "1"], "\(map.stdout)\(map.stderr)")
        let wrote = try account.podctl(["exec", "web", "--", "sh", "-c", "echo hi > /scratch/f"], in: holder.pid)
        #expect(wrote.status == 0, "\(wrote.stderr)")
        let written = account.data + "/podctl/pods/default/web/volumes/scratch/f"
        var info = stat()
        #expect(stat(written, &info) == 0 && info.st_uid == account.uid, "\(written): owner \(info.st_uid)")
        let described = try account.podctl(["describe", "pod", "web"], in: holder.pid).stdout
        #expect(described.contains("ResourceLimitsNotEnforced") && described.contains("NetworkReady"), "\(described)")
        // The kernel's overlay works in a user namespace here (6.x): chosen, and said once (D71).
        #expect(described.components(separatedBy: "RootFilesystem").count == 2 && described.contains("mounted with overlay"), "\(described)")

        let deleted = try account.podctl(["delete", "pod", "web"], in: holder.pid)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        // The supervisor may still be reaped by its parent for a moment after it exits.
        #expect(try waitUntil(.seconds(10)) { Account.processes(of: account.uid).isEmpty }, "left: \(Harness.describe(Account.processes(of: account.uid)))")
        let mounts = try String(contentsOfFile: "/proc/\(holder.pid)/mountinfo", encoding: .utf8)
        #expect(!mounts.contains(account.base.path), "\(mounts)")
        for directory in [account.data + "/podctl/pods", account.runtime + "/podctl/pods"] {
            #expect((try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? true, "\(directory)")
        }
    }

    /// A hostPort below net.ipv4.ip_unprivileged_port_start is refused before anything is
    /// made, naming the sysctl (D69).
    @Test(.needsRoot) func aPrivilegedHostPortIsRefusedForAUsersPodNamingTheSysctl() throws {
        let account = try Account()
        let holder = try NamespaceHolder(["--net", "--mount", "--propagation", "private"])
        defer { holder.stop() }
        let manifest = Self.pod.replacingOccurrences(of: "command: [sleep, '600']", with: "command: [sleep, '600'], ports: [{containerPort: 80, hostPort: 80}]")
        let refused = try account.podctl(["apply", "-f", "-"], in: holder.pid, stdin: manifest)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("hostPort 80 ") && refused.stderr.contains("net.ipv4.ip_unprivileged_port_start"), "\(refused.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: account.data + "/podctl/pods"))?.isEmpty ?? true)
    }
}
