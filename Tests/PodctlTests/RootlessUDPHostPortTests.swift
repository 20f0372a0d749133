import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18 item 4 (D69): a user's UDP hostPort, carried by the forwarder's per-client flows.
/// busybox has no UDP server, so the test builds a small static one (gcc, as
/// deploy/cri/e2e-images.sh builds critest's stand-in) and binds it into the pod from the
/// account's home (hostPath). Every datagram stays in the test's throwaway namespaces.
@Suite(.serialized) struct RootlessUDPHostPortTests {
    typealias Account = RootlessPodTests.Account

    /// `echo PORT`: answers every datagram with itself. `send HOST PORT SIZE`: one datagram
    /// of SIZE patterned bytes, its echo compared byte for byte (retried for 10 s: the
    /// server may start a moment after Running). `flood HOST PORT COUNT`: one datagram
    /// from each of COUNT fresh sockets, so COUNT client ports.
    static let tool = #"""
        #include <arpa/inet.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/socket.h>
        #include <sys/time.h>
        #include <unistd.h>
        static char buffer[65536], sent[65536];
        static struct sockaddr_in address(const char *host, const char *port) {
            struct sockaddr_in a;
            memset(&a, 0, sizeof a);
            a.sin_family = AF_INET;
            a.sin_port = htons(atoi(port));
            inet_pton(AF_INET, host, &a.sin_addr);
            return a;
        }
        int main(int argc, char **argv) {
            if (argc == 3 && !strcmp(argv[1], "echo")) {
                int s = socket(AF_INET, SOCK_DGRAM, 0);
                struct sockaddr_in a = address("0.0.0.0", argv[2]);
                if (bind(s, (struct sockaddr *)&a, sizeof a)) { perror("bind"); return 1; }
                for (;;) {
                    struct sockaddr_in peer;
                    socklen_t length = sizeof peer;
                    ssize_t n = recvfrom(s, buffer, sizeof buffer, 0, (struct sockaddr *)&peer, &length);
                    if (n >= 0) sendto(s, buffer, n, 0, (struct sockaddr *)&peer, length);
                }
            }
            if (argc == 5 && !strcmp(argv[1], "send")) {
                int s = socket(AF_INET, SOCK_DGRAM, 0);
                struct sockaddr_in a = address(argv[2], argv[3]);
                size_t size = atoi(argv[4]);
                for (size_t i = 0; i < size; i++) sent[i] = (char)(i * 7 + 3);
                struct timeval t = {1, 0};
                setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
                if (connect(s, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
                for (int attempt = 0; attempt < 10; attempt++) {
                    if (send(s, sent, size, 0) != (ssize_t)size) { perror("send"); return 1; }
                    ssize_t n = recv(s, buffer, sizeof buffer, 0);
                    if (n < 0) continue;
                    if (n == (ssize_t)size && !memcmp(buffer, sent, size)) { printf("echoed %zd\n", n); return 0; }
                    printf("a wrong echo of %zd bytes\n", n);
                    return 1;
                }
                printf("no echo\n");
                return 1;
            }
            if (argc == 5 && !strcmp(argv[1], "flood")) {
                struct sockaddr_in a = address(argv[2], argv[3]);
                for (int i = 0; i < atoi(argv[4]); i++) {
                    int s = socket(AF_INET, SOCK_DGRAM, 0);
                    sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof a);
                    close(s);
                }
                return 0;
            }
            return 2;
        }
        """#

    /// The tool, built static into `directory` (the pod's image has no libc of its own).
    static func buildTool(in directory: String) throws -> String {
        try tool.write(toFile: directory + "/udp-tool.c", atomically: true, encoding: .utf8)
        let built = try Command.run("/usr/bin/gcc", ["-static", "-O2", "-o", directory + "/udp-tool", directory + "/udp-tool.c"], environment: ["PATH": "/usr/bin:/bin"])
        guard built.status == 0 else { throw HarnessError("gcc: \(built.stderr)") }
        return directory + "/udp-tool"
    }

    /// The number of open descriptors of process `pid`.
    static func descriptors(of pid: pid_t) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count ?? -1
    }

    @Test(.needsRoot) func aUsersUDPHostPortEchoesWholeDatagramsAndBoundsItsFlows() throws {
        let account = try Account()
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        let holder = uplink.host.pid
        let tools = account.home + "/tools"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        let tool = try Self.buildTool(in: tools)
        #expect(chown(tools, account.uid, account.gid) == 0 && chown(tool, account.uid, account.gid) == 0)
        let manifest = """
            apiVersion: v1
            kind: Pod
            metadata: {name: echo}
            spec:
              terminationGracePeriodSeconds: 1
              volumes: [{name: tools, hostPath: {path: \(tools), type: Directory}}]
              containers:
              - name: app
                image: localhost/busybox:1
                command: [/tools/udp-tool, echo, '7777']
                volumeMounts: [{name: tools, mountPath: /tools}]
                ports: [{containerPort: 7777, hostPort: 17777, protocol: UDP}, {containerPort: 7778, hostPort: 17778, protocol: UDP}]
            """
        try account.loadBusyboxAndApply(manifest, in: holder)
        try waitUntil("the user's pod to run", timeout: 20) { try account.podctl(["get", "pods"], in: holder).stdout.contains("Running") }

        // On the host's side: a small datagram and the largest IPv4 one, each back whole.
        for size in ["5", "65507"] {
            let sent = try Command.run("/usr/bin/nsenter", ["-t", String(holder), "-n", "--", tool, "send", "127.0.0.1", "17777", size], environment: ["PATH": "/usr/bin:/bin"])
            #expect(sent.status == 0 && sent.stdout == "echoed \(size)\n", "\(size): \(sent.stdout)\(sent.stderr)")
        }

        // A flood of client ports to a port nothing in the pod answers: the flows stop at the
        // bound (512, HostPortsUDP.swift), so the forwarder's descriptors do too; unanswered,
        // they idle out after 30 s, and the echo answers new clients again.
        let forwarder = Account.processes(of: account.uid).first { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("host-ports")
        }
        let pid = try #require(forwarder, "no host-ports forwarder among \(Harness.describe(Account.processes(of: account.uid)))")
        let before = Self.descriptors(of: pid)
        // Rounds of 1000 ports until the table is full: under a flood the host socket's
        // buffer drops datagrams too (as it would for any server), so one round may not fill it.
        for _ in 0..<5 where Self.descriptors(of: pid) < 512 {
            let flooded = try Command.run("/usr/bin/nsenter", ["-t", String(holder), "-n", "--", tool, "flood", "127.0.0.1", "17778", "1000"], environment: ["PATH": "/usr/bin:/bin"])
            #expect(flooded.status == 0, "\(flooded.stderr)")
            _ = waitUntil(.seconds(1)) { Self.descriptors(of: pid) >= 512 }
        }
        let open = Self.descriptors(of: pid)
        #expect(open >= 512 && open <= before + 512, "the forwarder holds \(open) descriptors, \(before) before the flood")
        #expect(waitUntil(.seconds(40)) { Self.descriptors(of: pid) <= before }, "the flows did not idle out: \(Self.descriptors(of: pid)) descriptors")
        let again = try Command.run("/usr/bin/nsenter", ["-t", String(holder), "-n", "--", tool, "send", "127.0.0.1", "17777", "100"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(again.stdout == "echoed 100\n", "\(again.stdout)\(again.stderr)")

        let deleted = try account.podctl(["delete", "pod", "echo"], in: holder)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try waitUntil(.seconds(10)) { Account.processes(of: account.uid).isEmpty }, "left: \(Harness.describe(Account.processes(of: account.uid)))")
        let bound = try Command.run("/usr/bin/nsenter", ["-t", String(holder), "-n", "--", "/bin/cat", "/proc/net/udp"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(!bound.stdout.contains(String(format: ":%04X", 17777)), "\(bound.stdout)")
    }
}
