import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18 item 3 (D71): a user's container root on fuse-overlayfs, where the kernel refuses
/// overlayfs in a user namespace. This machine's kernel does not refuse it, so the test
/// forces the fallback with PODCTL_ROOTLESS_OVERLAY=fuse, the documented knob.
@Suite(.serialized) struct RootlessOverlayTests {
    typealias Account = RootlessPodTests.Account

    /// The account's processes whose command is fuse-overlayfs.
    static func fuseDaemons(of uid: uid_t) -> [pid_t] {
        Account.processes(of: uid).filter { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "fuse-overlayfs\n"
        }
    }

    @Test(.needsRoot) func aUsersPodForcedOntoFuseOverlayfsRunsAndLeavesNoDaemonOrMount() throws {
        let account = try Account()
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        let holder = uplink.host.pid
        // The machine's /dev/fuse is root's only (0600, no udev here); Debian's udev makes
        // it 0666. The test's own mount namespace gets a node that is, as for the tun.
        try Account.root("/usr/bin/nsenter", ["-t", String(holder), "-m", "--", "/bin/sh", "-c",
                                              "mknod -m 666 \(uplink.base.path)/fuse c 10 229 && mount --bind \(uplink.base.path)/fuse /dev/fuse"])
        let loaded = try account.podctl(["image", "load", "-i", try Harness.testImages() + "/busybox-docker.tar"], in: holder)
        try #require(loaded.status == 0, "\(loaded.stderr)")
        // A second container as another user: a FUSE mount serves only its mounter unless
        // allow_other (fuse(4)), and container IDs 1… are the account's subordinate IDs.
        let manifest = RootlessPodTests.pod + "\n  - {name: guest, image: localhost/busybox:1, command: [sleep, '600'], securityContext: {runAsUser: 1000}}\n"
        let applied = try account.podctl(["apply", "-f", "-"], in: holder, stdin: manifest, environment: ["PODCTL_ROOTLESS_OVERLAY": "fuse"])
        try #require(applied.status == 0, "\(applied.stderr)")
        try waitUntil("the user's pod to run", timeout: 20) { try account.podctl(["get", "pods"], in: holder).stdout.contains("Running") }

        // The root is fuse-overlayfs's, and writable: the file lands in the container's upper directory.
        let root = try account.podctl(["exec", "web", "--", "sh", "-c", "grep ' / / ' /proc/self/mountinfo"], in: holder)
        #expect(root.stdout.contains("fuse.fuse-overlayfs"), "\(root.stdout)\(root.stderr)")
        let wrote = try account.podctl(["exec", "web", "--", "sh", "-c", "echo on-fuse > /etc/written && cat /etc/written"], in: holder)
        #expect(wrote.status == 0 && wrote.stdout == "on-fuse\n", "\(wrote.stdout)\(wrote.stderr)")
        let upper = account.data + "/podctl/pods/default/web/containers/app/upper/etc/written"
        #expect((try? String(contentsOfFile: upper, encoding: .utf8)) == "on-fuse\n", "\(upper)")
        let guest = try account.podctl(["exec", "web", "-c", "guest", "--", "sh", "-c", "id -u; head -1 /etc/passwd; touch /etc/denied"], in: holder)
        #expect(guest.stdout == "1000\nroot:x:0:0:root:/root:/bin/sh\n" && guest.stderr.contains("Permission denied"), "\(guest.stdout)\(guest.stderr)")
        // Said once, naming the driver and why.
        let described = try account.podctl(["describe", "pod", "web"], in: holder).stdout
        #expect(described.components(separatedBy: "RootFilesystem").count == 2, "\(described)")
        #expect(described.contains("fuse-overlayfs") && described.contains("PODCTL_ROOTLESS_OVERLAY=fuse"), "\(described)")
        // One daemon per container, outside the containers' PID namespaces.
        #expect(Self.fuseDaemons(of: account.uid).count == 2, "\(Harness.describe(Account.processes(of: account.uid)))")

        let deleted = try account.podctl(["delete", "pod", "web"], in: holder)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try waitUntil(.seconds(10)) { Account.processes(of: account.uid).isEmpty }, "left: \(Harness.describe(Account.processes(of: account.uid)))")
        let mounts = try String(contentsOfFile: "/proc/\(holder)/mountinfo", encoding: .utf8)
        #expect(!mounts.contains("fuse-overlayfs") && !mounts.contains(account.base.path), "\(mounts)")
    }

    /// A value other than auto or fuse is refused at apply, naming the variable, and
    /// nothing of the pod is made.
    @Test(.needsRoot) func anUnknownOverlaySettingIsRefusedNamingTheVariable() throws {
        let account = try Account()
        let holder = try NamespaceHolder(["--net", "--mount", "--propagation", "private"])
        defer { holder.stop() }
        let loaded = try account.podctl(["image", "load", "-i", try Harness.testImages() + "/busybox-docker.tar"], in: holder.pid)
        try #require(loaded.status == 0, "\(loaded.stderr)")
        let refused = try account.podctl(["apply", "-f", "-"], in: holder.pid, stdin: RootlessPodTests.pod, environment: ["PODCTL_ROOTLESS_OVERLAY": "zfs"])
        #expect(refused.status != 0 && refused.stderr.contains("PODCTL_ROOTLESS_OVERLAY must be auto or fuse"), "\(refused.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: account.data + "/podctl/pods"))?.isEmpty ?? true)
    }
}
