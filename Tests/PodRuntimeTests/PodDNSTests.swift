import Foundation
import Glibc
import PodOS
import PodTestSupport
import Testing

/// Names across pods (issue #17, item 1; docs/network.md, "Names"): pods of separate
/// applies find each other through the bridge's responder, by DNS and by getaddrinfo.
/// The harness's network namespace is isolated, and the responder's upstream is a fake
/// (or none), so no query ever reaches the host's resolvers.
@Suite(.serialized) struct PodDNSTests {
    static let gateway = "10.88.0.1"

    static func server(_ name: String, extra: String = "") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: 1
        \(extra)
          containers:
          - name: httpd
            image: localhost/busybox:1
            command: ["sh", "-c", "mkdir -p /www; echo \(name) > /www/index.html; exec httpd -f -p 80 -h /www"]
        """
    }

    static func harness(upstream: String = "none") throws -> Harness {
        let harness = try Harness()
        harness.environment["PODCTL_DNS_UPSTREAM"] = upstream
        try harness.loadBusybox()
        return harness
    }

    /// Applies each server pod on its own (separate applies, so no shared /etc/hosts) and
    /// waits until all run.
    func startServers(_ harness: Harness, _ pods: [(name: String, extra: String)]) throws {
        for pod in pods { try harness.apply(Self.server(pod.name, extra: pod.extra)) }
        for pod in pods { try harness.waitForRunning(pod.name, containers: ["httpd"]) }
    }

    func podIP(_ harness: Harness, _ pod: String) throws -> String {
        try #require(try harness.status(pod)["podIP"] as? String)
    }

    /// `nslookup NAME GATEWAY` in a pod: the answer's text, and whether it succeeded.
    func lookup(_ harness: Harness, from pod: String, _ name: String) throws -> Harness.Result {
        try harness.run(["exec", pod, "--", "nslookup", name, Self.gateway])
    }

    func responderPID(_ harness: Harness) -> pid_t? {
        let text = (try? String(contentsOfFile: harness.base + "/lib/network/dns/pod-dns.lock", encoding: .utf8)) ?? ""
        // An exited pod-dns not reaped yet (PID 1 reaps it when it gets to it) is stopped:
        // its socket and lock went at exit, and delete does not wait for its reaper.
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "pod-dns\n",
              !ProcessIdentity.hasExited(pid) else { return nil }
        return pid
    }

    @Test(.needsRoot) func podsOfSeparateAppliesFindEachOtherAndALaterOneAndLoseADeletedOne() throws {
        let harness = try Self.harness()
        try startServers(harness, [("alpha", ""), ("beta", "")])
        let (alpha, beta) = (try podIP(harness, "alpha"), try podIP(harness, "beta"))
        let conf = try harness.run(["exec", "alpha", "--", "cat", "/etc/resolv.conf"]).stdout
        #expect(conf.contains("nameserver \(Self.gateway)\n") && conf.contains("search default.svc.cluster.local svc.cluster.local cluster.local") && conf.contains("options ndots:5"), "\(conf)")
        #expect(!(try harness.run(["exec", "alpha", "--", "cat", "/etc/hosts"]).stdout.contains("beta")), "separate applies: not through /etc/hosts")
        for name in ["beta", "beta.default", "beta.default.svc.cluster.local", "BETA.Default"] {
            #expect(try lookup(harness, from: "alpha", name).stdout.contains(beta), "\(name)")
        }
        #expect(try lookup(harness, from: "beta", "alpha").stdout.contains(alpha))
        // getaddrinfo, through the search list: what applications use.
        #expect(try harness.run(["exec", "alpha", "--", "wget", "-qO-", "http://beta/"]).stdout == "beta\n")
        #expect(try harness.run(["exec", "beta", "--", "wget", "-qO-", "http://alpha.default/"]).stdout == "alpha\n")
        let pids = (try harness.containerPID("alpha", "httpd"), try harness.containerPID("beta", "httpd"))

        try startServers(harness, [("gamma", "")])
        let gamma = try podIP(harness, "gamma")
        for pod in ["alpha", "beta"] {
            #expect(try lookup(harness, from: pod, "gamma").stdout.contains(gamma), "\(pod) finds the later pod")
            #expect(try harness.run(["exec", pod, "--", "wget", "-qO-", "http://gamma/"]).stdout == "gamma\n")
        }
        #expect(try harness.containerPID("alpha", "httpd") == pids.0 && harness.containerPID("beta", "httpd") == pids.1, "nothing restarted")

        try harness.run(["delete", "pod", "gamma"])
        let start = Date()
        let gone = try lookup(harness, from: "alpha", "gamma")
        #expect(gone.status != 0 && (gone.stdout + gone.stderr).contains("NXDOMAIN"), "\(gone)")
        #expect(Date().timeIntervalSince(start) < 2, "NXDOMAIN at once, not a timeout")
        #expect(try harness.run(["exec", "alpha", "--", "wget", "-qO-", "-T", "2", "http://gamma/"]).status != 0)
        let unknown = try lookup(harness, from: "alpha", "nothere.default.svc.cluster.local")
        #expect((unknown.stdout + unknown.stderr).contains("NXDOMAIN"))
        try harness.run(["delete", "pod", "alpha", "beta"])
    }

    @Test(.needsRoot) func hostnameAndSubdomainPoliciesAndTheResponderStopsWithTheLastPod() throws {
        let harness = try Self.harness()
        try startServers(harness, [
            ("web", "  hostname: www\n  subdomain: front"), ("plain", "  dnsPolicy: Default"),
            ("custom", "  dnsPolicy: None\n  dnsConfig: {nameservers: [192.0.2.53], searches: [example.test]}"),
        ])
        let web = try podIP(harness, "web")
        #expect(try lookup(harness, from: "web", "www.front.default.svc.cluster.local").stdout.contains(web))
        let plain = try harness.run(["exec", "plain", "--", "cat", "/etc/resolv.conf"]).stdout
        #expect(!plain.contains(Self.gateway) && !plain.contains("cluster.local"), "Default: the host's resolv.conf: \(plain)")
        #expect(try harness.run(["exec", "custom", "--", "cat", "/etc/resolv.conf"]).stdout == "nameserver 192.0.2.53\nsearch example.test\n")
        // A Default pod is still found by name from a ClusterFirst one.
        #expect(try lookup(harness, from: "web", "plain").stdout.contains(try podIP(harness, "plain")))

        let pid = try #require(responderPID(harness), "pod-dns runs while a ClusterFirst pod does")
        try harness.run(["delete", "pod", "web"])
        #expect(responderPID(harness) == nil && (kill(pid, 0) != 0 || ProcessIdentity.hasExited(pid)), "no ClusterFirst pod left: pod-dns stopped")
        try harness.run(["delete", "pod", "plain", "custom"])
    }

    /// Other names go to the upstream: here a second pod-dns on the harness's 127.0.0.1,
    /// which knows one outside name, stands for the host's resolver.
    @Test(.needsRoot) func otherNamesAreForwardedToTheUpstream() throws {
        let fake = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: fake) }
        try "nameserver 127.0.0.1\n".write(toFile: fake + "/resolv.conf", atomically: true, encoding: .utf8)
        try "192.0.2.7 outside.example\n".write(toFile: fake + "/names", atomically: true, encoding: .utf8)
        let harness = try Self.harness(upstream: fake + "/resolv.conf")
        let binary = URL(fileURLWithPath: Harness.binary).deletingLastPathComponent().appendingPathComponent("pod-dns").path
        let upstream = Stopper(try harness.start([binary, "--address", "127.0.0.1", "--names", fake + "/names", "--lock", fake + "/lock", "--upstream", "none"]))
        _ = upstream
        try startServers(harness, [("asker", "")])
        try harness.waitFor("the forwarded answer") { try lookup(harness, from: "asker", "outside.example").stdout.contains("192.0.2.7") }
        let start = Date()
        let failed = try lookup(harness, from: "asker", "unknown.example")
        #expect(failed.status != 0 && Date().timeIntervalSince(start) < 10, "an upstream without the name fails, never hangs")
        try harness.run(["delete", "pod", "asker"])
    }

    /// The closing note's number: 100 lookups in a loop from a pod, less one exec's cost.
    @Test(.needsRoot) func lookupLatencyFromAPod() throws {
        let harness = try Self.harness()
        try startServers(harness, [("one", ""), ("two", "")])
        #expect(try lookup(harness, from: "one", "two").stdout.contains(try podIP(harness, "two")))
        let baseStart = Date()
        try harness.run(["exec", "one", "--", "sh", "-c", "i=0; while [ $i -lt 100 ]; do true; i=$((i+1)); done"])
        let base = Date().timeIntervalSince(baseStart)
        let start = Date()
        let loop = try harness.run(["exec", "one", "--", "sh", "-c", "i=0; while [ $i -lt 100 ]; do nslookup two \(Self.gateway) >/dev/null || exit 1; i=$((i+1)); done"])
        let total = Date().timeIntervalSince(start)
        #expect(loop.status == 0, "\(loop.stderr)")
        let each = (total - base) / 100 * 1000
        print("pod DNS lookup latency: 100 nslookup in \(String(format: "%.3f", total)) s (exec baseline \(String(format: "%.3f", base)) s): \(String(format: "%.2f", each)) ms each, process start included")
        #expect(each < 100)
        try harness.run(["delete", "pod", "one", "two"])
    }
}
