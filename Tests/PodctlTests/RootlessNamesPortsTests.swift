import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18 item 4, the rest (D69): a user's pods find each other by name through the user's
/// pod-dns inside the user network, a hostPort answers on the host's addresses through
/// the user's forwarder, and a hostNetwork pod listens in the user's own network
/// namespace. The throwaway "host" namespace of RootlessNetworkTests stands for the
/// host's; every connection stays inside it.
@Suite(.serialized) struct RootlessNamesPortsTests {
    typealias Account = RootlessPodTests.Account

    static func web(_ name: String, port: Int = 8080, extra: String = "", spec: String = "") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: 1
        \(spec)
          containers:
          - name: app
            image: localhost/busybox:1
            command: [sh, -c, 'mkdir -p /www; echo \(name)-page > /www/index.html; exec httpd -f -p \(port) -h /www']
        \(extra)
        """
    }

    /// `wget` of `url` as root in the test's "host" namespace (the host's side).
    static func fetchOnHost(_ host: pid_t, _ url: String) -> CommandResult? {
        try? Command.run("/usr/bin/nsenter", ["-t", String(host), "-n", "--", "/usr/bin/timeout", "5", "/usr/bin/busybox", "wget", "-q", "-O", "-", url],
                         environment: ["PATH": "/usr/bin:/bin"])
    }

    /// Whether something listens on TCP `port` (IPv4 or IPv6) in process `pid`'s network namespace.
    static func listens(_ pid: pid_t, port: Int) -> Bool {
        let table = ["tcp", "tcp6"].map { (try? String(contentsOfFile: "/proc/\(pid)/net/\($0)", encoding: .utf8)) ?? "" }.joined()
        let hex = String(format: ":%04X", port)
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[1].hasSuffix(hex) && fields[3] == "0A"
        }
    }

    func deleteAllAndExpectNothingLeft(_ account: Account, _ names: [String], in holder: pid_t) throws {
        for name in names {
            let deleted = try account.podctl(["delete", "pod", name], in: holder)
            #expect(deleted.status == 0 && deleted.stderr.isEmpty, "\(name): \(deleted.stderr)")
        }
        #expect(try waitUntil(.seconds(10)) { Account.processes(of: account.uid).isEmpty }, "left: \(Harness.describe(Account.processes(of: account.uid)))")
        for directory in [account.data + "/podctl/pods", account.runtime + "/podctl/pods", account.runtime + "/podctl/network"] {
            #expect((try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? true, "\(directory)")
        }
    }

    @Test(.needsRoot) func aUsersPodsReachEachOtherByNameThroughTheUsersPodDNS() throws {
        let account = try Account()
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        let holder = uplink.host.pid
        // Separate applies: the names come from pod-dns, not from a shared /etc/hosts.
        try account.loadBusyboxAndApply(Self.web("alpha"), in: holder)
        let applied = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.web("beta"))
        try #require(applied.status == 0, "\(applied.stderr)")
        try waitUntil("the user's pods to run", timeout: 30) {
            try account.podctl(["get", "pods"], in: holder).stdout.components(separatedBy: "Running").count == 3
        }
        let beta = try RootlessNetworkTests.address(account, "beta", in: holder)
        let conf = try account.podctl(["exec", "alpha", "--", "cat", "/etc/resolv.conf"], in: holder).stdout
        #expect(conf.contains("nameserver 10.88.0.1\n") && conf.contains("search default.svc.cluster.local"), "\(conf)")
        let looked = try account.podctl(["exec", "alpha", "--", "nslookup", "beta", "10.88.0.1"], in: holder)
        #expect(looked.stdout.contains(beta), "\(looked.stdout)\(looked.stderr)")
        // getaddrinfo through the search list, as applications resolve.
        var page: CommandResult? = nil
        _ = try waitUntil(.seconds(10)) {
            page = try account.podctl(["exec", "alpha", "--", "sh", "-c", "timeout 5 wget -q -O - http://beta:8080/"], in: holder)
            return page?.stdout == "beta-page\n"
        }
        #expect(page?.stdout == "beta-page\n", "\(page?.stdout ?? "")\(page?.stderr ?? "")")
        // The responder is the user's own, in the user network, and its files are the user's only.
        let lock = account.data + "/podctl/network/dns/pod-dns.lock"
        let pid = pid_t((try? String(contentsOfFile: lock, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        #expect(pid > 0 && Account.processes(of: account.uid).contains(pid), "pod-dns \(pid)")
        var info = stat()
        #expect(stat(account.data + "/podctl", &info) == 0 && info.st_mode & 0o077 == 0, "mode \(String(info.st_mode, radix: 8))")

        // A deleted pod's name goes with it; the responder goes with the last pod.
        #expect(try account.podctl(["delete", "pod", "beta"], in: holder).status == 0)
        let gone = try account.podctl(["exec", "alpha", "--", "nslookup", "beta", "10.88.0.1"], in: holder)
        #expect(!gone.stdout.contains(beta), "\(gone.stdout)")
        try deleteAllAndExpectNothingLeft(account, ["alpha"], in: holder)
    }

    @Test(.needsRoot) func aUsersHostPortAnswersOnTheHostAndIsFreeAgainAfterDelete() throws {
        let account = try Account()
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        let holder = uplink.host.pid
        let published = "    ports: [{containerPort: 8080, hostPort: 18080}]"
        // A pod without ports keeps the user network up through the whole test.
        try account.loadBusyboxAndApply(Self.web("keeper"), in: holder)
        let applied = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.web("web", extra: published))
        try #require(applied.status == 0, "\(applied.stderr)")
        try expectAnswers(holder, ["http://127.0.0.1:18080/", "http://192.0.2.10:18080/"], "web-page\n")
        // Twenty at once, each copied by a child of the forwarder. (xargs -P, not `&` and
        // `wait`: dash waited forever here, as PortForwardTests says.)
        let parallel = try Command.run("/usr/bin/nsenter", ["-t", String(holder), "-n", "--", "/bin/sh", "-c",
                                                            "seq 20 | xargs -P 20 -I{} timeout 10 busybox wget -q -O - http://127.0.0.1:18080/"],
                                       environment: ["PATH": "/usr/bin:/bin"])
        #expect(parallel.stdout.components(separatedBy: "web-page\n").count - 1 == 20, "\(parallel.stdout)\(parallel.stderr)")

        // The same hostPort again: refused naming the port, and nothing of that pod stays.
        let taken = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.web("second", extra: published))
        #expect(taken.status != 0 && taken.stderr.contains("hostPort 18080"), "\(taken.stderr)")
        #expect(!(try account.podctl(["get", "pods"], in: holder).stdout.contains("second")))
        // A port a host process holds: the forwarder's bind says so, and the pod goes.
        let squatter = try NamespaceHolder.spawn(["/usr/bin/nsenter", "-t", String(holder), "-n", "--", "/usr/bin/busybox", "nc", "-l", "-p", "18081"])
        defer { kill(squatter, SIGKILL); var status: Int32 = 0; waitpid(squatter, &status, 0) }
        #expect(waitUntil(.seconds(5)) { Self.listens(holder, port: 18081) })
        let squatted = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.web("third", extra: "    ports: [{containerPort: 8080, hostPort: 18081}]"))
        #expect(squatted.status != 0 && squatted.stderr.contains("hostPort 18081 is already in use"), "\(squatted.stderr)")
        #expect(!(try account.podctl(["get", "pods"], in: holder).stdout.contains("third")))
        // Below the unprivileged limit: refused naming the sysctl, before anything is made.
        let low = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.web("low", extra: "    ports: [{containerPort: 8080, hostPort: 80}]"))
        #expect(low.status != 0 && low.stderr.contains("net.ipv4.ip_unprivileged_port_start"), "\(low.stderr)")

        // Deleted, its port is free at once for the user's next pod (the user network stays).
        #expect(try account.podctl(["delete", "pod", "web"], in: holder).status == 0)
        #expect(!Self.listens(holder, port: 18080), "the hostPort still listens after delete")
        let again = try account.podctl(["apply", "-f", "-"], in: holder, stdin: Self.web("again", extra: published))
        #expect(again.status == 0, "\(again.stderr)")
        try expectAnswers(holder, ["http://127.0.0.1:18080/"], "again-page\n")

        try deleteAllAndExpectNothingLeft(account, ["again", "keeper"], in: holder)
        #expect(!Self.listens(holder, port: 18080), "the hostPort still listens after delete")
    }

    /// Each URL fetched on the host side answers `page` within 10 s (the server may take a
    /// moment after Running to listen).
    func expectAnswers(_ holder: pid_t, _ urls: [String], _ page: String) throws {
        for url in urls {
            var fetched: CommandResult? = nil
            _ = waitUntil(.seconds(10)) {
                fetched = Self.fetchOnHost(holder, url)
                return fetched?.stdout == page
            }
            #expect(fetched?.stdout == page, "\(url): \(fetched?.status ?? -1) \(fetched?.stdout ?? "")\(fetched?.stderr ?? "")")
        }
    }

    @Test(.needsRoot) func aUsersHostNetworkPodListensInTheUsersOwnNetworkNamespace() throws {
        let account = try Account()
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        let holder = uplink.host.pid
        try account.loadBusyboxAndApply(Self.web("hostweb", port: 18090, spec: "  hostNetwork: true"), in: holder)
        try waitUntil("the user's pod to run", timeout: 30) { try account.podctl(["get", "pods"], in: holder).stdout.contains("Running") }
        try expectAnswers(holder, ["http://127.0.0.1:18090/"], "hostweb-page\n")
        // Still in the user's user namespace: root inside is the user outside.
        let map = try account.podctl(["exec", "hostweb", "--", "cat", "/proc/self/uid_map"], in: holder)
        #expect(map.stdout.split(separator: "\n").first?.split(separator: " ").map(String.init) == ["0", String(account.uid), "1"], "\(map.stdout)\(map.stderr)")
        let interfaces = try account.podctl(["exec", "hostweb", "--", "ip", "-o", "addr"], in: holder).stdout
        #expect(interfaces.contains("uplink0"), "\(interfaces)")
        try deleteAllAndExpectNothingLeft(account, ["hostweb"], in: holder)
        #expect(!Self.listens(holder, port: 18090))
    }
}
