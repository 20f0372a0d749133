import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18 item 4 (D65): a non-root user's pods on the user's own network, a bridge in a
/// network namespace that a holder keeps for the user, with pasta for outbound traffic.
/// Everything runs inside a throwaway "host" namespace (where podctl runs as the account)
/// whose only way out is a veth to a second throwaway namespace, the "outside", where a
/// web server answers: no packet reaches the machine's own network.
@Suite(.serialized) struct RootlessNetworkTests {
    typealias Account = RootlessPodTests.Account

    /// The "host" namespace (network and mount) and its "outside".
    final class Uplink {
        let host: NamespaceHolder
        let outside: NamespaceHolder
        let base = TemporaryDirectory("podctl-uplink")
        private var server: pid_t = 0
        /// Not the gateway (192.0.2.1): pasta maps the gateway's address to the host's
        /// loopback (pasta(1), --map-gw), where nothing of the test listens.
        static let outsideAddress = "192.0.2.2"

        init() throws {
            host = try NamespaceHolder(["--net", "--mount", "--propagation", "private"])
            outside = try NamespaceHolder(["--net"])
            try root(["-t", String(host.pid), "-n", "-m", "--", "/bin/sh", "-c", """
                set -e
                ip link set lo up
                ip link add uplink0 type veth peer name uplink1 netns \(outside.pid)
                ip addr add 192.0.2.10/24 dev uplink0
                ip link set uplink0 up
                ip route add default via 192.0.2.1
                # The machine's /dev/net/tun is root's only (0600, no udev here); Debian's
                # udev makes it 0666. The test's own mount namespace gets a node that is.
                mount -t tmpfs none \(base.path)
                mknod -m 666 \(base.path)/tun c 10 200
                mount --bind \(base.path)/tun /dev/net/tun
                """])
            try root(["-t", String(outside.pid), "-n", "--", "/bin/sh", "-c", """
                set -e
                ip link set lo up
                ip addr add 192.0.2.1/24 dev uplink1
                ip addr add \(Self.outsideAddress)/24 dev uplink1
                ip link set uplink1 up
                """])
            let www = base.file("www")
            try FileManager.default.createDirectory(atPath: www, withIntermediateDirectories: true)
            try "from the outside\n".write(toFile: www + "/index.html", atomically: true, encoding: .utf8)
            server = try NamespaceHolder.spawn(["/usr/bin/nsenter", "-t", String(outside.pid), "-n", "--",
                                                "/usr/bin/busybox", "httpd", "-f", "-p", "\(Self.outsideAddress):8000", "-h", www])
        }

        func stop() {
            if server > 0 {
                kill(server, SIGKILL)
                var status: Int32 = 0
                while waitpid(server, &status, 0) < 0 && errno == EINTR {}
                server = 0
            }
            outside.stop()
            host.stop()
        }

        deinit { stop() }

        private func root(_ arguments: [String]) throws {
            try Account.root("/usr/bin/nsenter", arguments)
        }
    }

    static func pod(_ name: String, _ command: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          containers:
          - {name: app, image: localhost/busybox:1, command: [sh, -c, '\(command)']}
        """
    }

    /// The address of `eth0` in the pod, from `ip -4 -o addr`.
    static func address(_ account: Account, _ pod: String, in holder: pid_t) throws -> String {
        let shown = try account.podctl(["exec", pod, "--", "ip", "-4", "-o", "addr", "show", "eth0"], in: holder).stdout
        let words = shown.split(separator: " ")
        guard let inet = words.firstIndex(of: "inet"), inet + 1 < words.count else { return "" }
        return String(words[inet + 1].split(separator: "/")[0])
    }

    @Test(.needsRoot) func aUsersPodsHaveAddressesReachEachOtherAndTheOutsideAndLeaveNothing() throws {
        let account = try Account()
        let uplink = try Uplink()
        defer { uplink.stop() }
        let holder = uplink.host.pid
        let loaded = try account.podctl(["image", "load", "-i", try Harness.testImages() + "/busybox-docker.tar"], in: holder)
        try #require(loaded.status == 0, "\(loaded.stderr)")
        for (name, command) in [("web", "mkdir -p /www; echo web-page > /www/index.html; exec httpd -f -p 8080 -h /www"), ("client", "exec sleep 600")] {
            let applied = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.pod(name, command))
            try #require(applied.status == 0, "\(applied.stderr)")
        }
        try waitUntil("the user's pods to run", timeout: 30) {
            try account.podctl(["get", "pods"], in: holder).stdout.components(separatedBy: "Running").count == 3
        }
        let web = try Self.address(account, "web", in: holder), client = try Self.address(account, "client", in: holder)
        #expect(web.hasPrefix("10.88.") && client.hasPrefix("10.88.") && web != client, "web \(web), client \(client)")

        // Pod to pod by address, over the user's bridge.
        // The server may take a moment after Running to listen. (busybox wget with
        // -T ended with SIGSEGV in this image: timeout bounds it instead.)
        var page: CommandResult? = nil
        _ = try waitUntil(.seconds(10)) {
            page = try account.podctl(["exec", "client", "--", "sh", "-c", "timeout 5 wget -q -O - http://\(web):8080/"], in: holder)
            return page?.stdout == "web-page\n"
        }
        #expect(page?.stdout == "web-page\n", "\(page?.status ?? -1) \(page?.stdout ?? "")\(page?.stderr ?? "")")
        // Out through pasta: the server in the "outside" namespace answers.
        let outside = try account.podctl(["exec", "client", "--", "sh", "-c", "timeout 5 wget -q -O - http://\(Uplink.outsideAddress):8000/"], in: holder)
        #expect(outside.stdout == "from the outside\n", "\(outside.status) \(outside.stdout)\(outside.stderr)")
        let routes = try account.podctl(["exec", "client", "--", "ip", "route"], in: holder)
        #expect(routes.stdout.contains("default via 10.88.0.1"), "\(routes.stdout)\(routes.stderr)")

        for name in ["web", "client"] {
            let deleted = try account.podctl(["delete", "pod", name], in: holder)
            #expect(deleted.status == 0 && deleted.stderr.isEmpty, "\(deleted.stderr)")
        }
        // The holder and pasta go with the last pod.
        #expect(try waitUntil(.seconds(10)) { Account.processes(of: account.uid).isEmpty }, "left: \(Harness.describe(Account.processes(of: account.uid)))")
        let mounts = try String(contentsOfFile: "/proc/\(holder)/mountinfo", encoding: .utf8)
        #expect(!mounts.contains(account.home), "\(mounts)")
        for directory in [account.data + "/podctl/pods", account.runtime + "/podctl/pods", account.runtime + "/podctl/network"] {
            #expect((try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? true, "\(directory): \((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])")
        }
    }
}
