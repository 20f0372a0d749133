import Foundation
import PodTestSupport
import Testing

/// Pods on the bridge through the real binaries, inside the harness's throwaway network
/// namespace (the bridge, veths and nftables table are made there, never on the machine).
@Suite(.serialized) struct NetworkRuntimeTests {
    static let pods = """
        apiVersion: v1
        kind: Pod
        metadata: {name: server}
        spec:
          containers:
          - name: httpd
            image: localhost/busybox:1
            command: ["sh", "-c", "mkdir -p /www; echo served > /www/index.html; exec httpd -f -p 80 -h /www"]
            ports: [{containerPort: 80, hostPort: 18080}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client}
        spec:
          containers:
          - name: c
            image: localhost/busybox:1
            command: ["sleep", "1000"]
        """

    @Test(.needsRoot) func podsGetAddressesAndHostPortsAnswerAndDeleteLeavesNothing() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pods)
        try harness.waitForRunning("server", containers: ["httpd"])
        try harness.waitForRunning("client", containers: ["c"])
        let serverIP = try #require(try harness.status("server")["podIP"] as? String)
        #expect(serverIP.hasPrefix("10.88."))
        #expect(try harness.run(["exec", "server", "--", "cat", "/etc/hosts"]).stdout.contains("\(serverIP)\tserver"))
        try harness.waitFor("the server from the other pod") {
            try harness.run(["exec", "client", "--", "wget", "-qO-", "http://\(serverIP)/"]).stdout == "served\n"
        }
        // Pods applied together find each other by name.
        #expect(try harness.run(["exec", "client", "--", "cat", "/etc/hosts"]).stdout.contains("\(serverIP)\tserver"))
        #expect(try harness.run(["exec", "client", "--", "wget", "-qO-", "http://server/"]).stdout == "served\n")
        try harness.waitFor("the hostPort on 127.0.0.1") {
            try harness.run(["busybox", "wget", "-qO-", "http://127.0.0.1:18080/"], podctl: false).stdout == "served\n"
        }
        let taken = try harness.run(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Pod\nmetadata: {name: thief}\nspec: {containers: [{name: c, image: localhost/busybox:1, ports: [{containerPort: 80, hostPort: 18080}]}]}\n")
        #expect(taken.status != 0)
        #expect(taken.stderr.contains("18080"))
        #expect(try harness.run(["get", "pods", "-o", "name"]).stdout == "pod/client\npod/server\n", "the refused pod left nothing")
        try harness.run(["delete", "pod", "server", "client"])
        #expect(!(try harness.run(["ip", "-br", "link"], podctl: false).stdout.contains("podv")))
        #expect(!(try harness.run(["nft", "list", "map", "inet", "podctl", "hostports"], podctl: false).stdout.contains("18080")))
        let leases = try String(contentsOfFile: harness.base + "/lib/network/leases.json", encoding: .utf8)
        #expect(!leases.contains("server") && !leases.contains("client") && !leases.contains("thief"), "no lease is left, not even the refused pod's")
    }

    /// The outside view: a second namespace, wired to the harness's "host" by a
    /// veth, is a client on the host's network. It reaches a pod through the host's
    /// address and hostPort, and sees the pod's own requests come from the host's address.
    @Test(.needsRoot) func anOutsideClientReachesTheHostPortAndSeesMasqueradedTraffic() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let client = try NamespaceHolder(inside: harness.holder)
        defer { client.stop() }
        let clientPID = client.pid
        for command in [
            ["ip", "link", "add", "outside0", "type", "veth", "peer", "name", "eth0", "netns", String(clientPID)],
            ["ip", "address", "add", "192.168.77.1/24", "dev", "outside0"], ["ip", "link", "set", "outside0", "up"],
        ] { #expect(try harness.run(command, podctl: false).status == 0, "\(command)") }
        for command in [
            ["ip", "address", "add", "192.168.77.2/24", "dev", "eth0"], ["ip", "link", "set", "eth0", "up"], ["ip", "link", "set", "lo", "up"],
        ] { #expect(try harness.run(command, inNetworkOf: clientPID).status == 0, "\(command)") }
        // A server on the client that answers with the address a request came from.
        let www = harness.base + "/outside-www"
        try FileManager.default.createDirectory(atPath: www + "/cgi-bin", withIntermediateDirectories: true)
        let script = www + "/cgi-bin/addr"
        try "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho \"$REMOTE_ADDR\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let server = Stopper(try harness.start(["busybox", "httpd", "-f", "-p", "192.168.77.2:9000", "-h", www], namespaces: ["-n"], of: clientPID))
        // A host process holding a port: a pod asking for it is refused, naming the holder.
        let squatter = Stopper(try harness.start(["busybox", "nc", "-l", "-p", "18181"]))
        try harness.waitFor("the host process to listen") {
            try harness.run(["ss", "-Hltn", "sport = :18181"], podctl: false).stdout.contains("18181")
        }
        try harness.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: [{name: httpd, image: localhost/busybox:1, command: [sh, -c, 'mkdir -p /www; echo served > /www/index.html; exec httpd -f -p 80 -h /www'], ports: [{containerPort: 80, hostPort: 18080}]}]}\n")
        let refused = try harness.run(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Pod\nmetadata: {name: squat}\nspec: {containers: [{name: c, image: localhost/busybox:1, ports: [{containerPort: 80, hostPort: 18181}]}]}\n")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("18181") && refused.stderr.contains("process \(squatter.process.processIdentifier)"), "\(refused.stderr)")
        try harness.waitForRunning("web", containers: ["httpd"])
        try harness.waitFor("the hostPort on the host's address, from outside") {
            try harness.run(["busybox", "wget", "-qO-", "http://192.168.77.1:18080/"], inNetworkOf: clientPID).stdout == "served\n"
        }
        try harness.waitFor("the outside server, from the pod") {
            try harness.run(["exec", "web", "--", "wget", "-qO-", "http://192.168.77.2:9000/cgi-bin/addr"]).stdout == "192.168.77.1\n"
        }
        // Hairpin: the pod reaches itself through the host's address and its hostPort.
        #expect(try harness.run(["exec", "web", "--", "wget", "-qO-", "http://192.168.77.1:18080/"]).stdout == "served\n")
        try harness.run(["delete", "pod", "web"])
        #expect(try harness.run(["get", "pods", "-o", "name"]).stdout == "")
        #expect(!(try harness.run(["ip", "-d", "link"], podctl: false).stdout.contains("podv")))
        #expect(!(try harness.run(["nft", "list", "ruleset"], podctl: false).stdout.contains("18080")))
        #expect(!(try harness.run(["nft", "list", "ruleset"], podctl: false).stdout.contains("18181")))
        withExtendedLifetime(server) {}
    }

    /// A supervisor killed half-way is recovered by the next apply; a pod whose state went
    /// behind podctl's back loses its lease and published port at the next command.
    @Test(.needsRoot) func crashesAndLostStateAreCleanedUpByTheNextCommand() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let survivor = "apiVersion: v1\nkind: Pod\nmetadata: {name: survivor}\nspec: {containers: [{name: httpd, image: localhost/busybox:1, command: [sh, -c, 'mkdir -p /www; echo alive > /www/index.html; exec httpd -f -p 80 -h /www'], ports: [{containerPort: 80, hostPort: 18282}]}]}\n"
        try harness.apply(survivor)
        try harness.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: ghost}\nspec: {containers: [{name: c, image: localhost/busybox:1, command: [sleep, '1000'], ports: [{containerPort: 80, hostPort: 18383}]}]}\n")
        try harness.waitForRunning("survivor", containers: ["httpd"])
        try harness.waitForRunning("ghost", containers: ["c"])
        let supervisor = try #require(try harness.status("survivor")["supervisorPID"] as? Int)
        kill(pid_t(supervisor), SIGKILL)
        try harness.waitFor("the supervisor to die") { try kill(pid_t(supervisor), 0) != 0 || String(contentsOfFile: "/proc/\(supervisor)/stat", encoding: .utf8).contains(") Z ") }
        let again = try harness.run(["apply", "-f", "-"], stdin: survivor)
        #expect(again.status == 0 && again.stdout == "pod/survivor configured\n", "\(again.stderr)")
        try harness.waitForRunning("survivor", containers: ["httpd"])
        try harness.waitFor("the recovered pod's hostPort") {
            try harness.run(["busybox", "wget", "-qO-", "http://127.0.0.1:18282/"], podctl: false).stdout == "alive\n"
        }
        // The ghost's processes and state vanish without podctl; its lease is backdated past
        // the minute a fresh lease is kept for.
        let ghost = try harness.status("ghost")
        for key in ["supervisorPID", "pausePID"] { if let pid = ghost[key] as? Int { kill(pid_t(pid), SIGKILL) } }
        if let pid = try harness.containerPID("ghost", "c") { kill(pid, SIGKILL) }
        for directory in ["/lib/pods/default/ghost", "/run/pods/default/ghost"] { try FileManager.default.removeItem(atPath: harness.base + directory) }
        let leaseFile = harness.base + "/lib/network/leases.json"
        let leases = try String(contentsOfFile: leaseFile, encoding: .utf8)
        try leases.replacingOccurrences(of: "\"taken\" : [0-9.e+]+", with: "\"taken\" : 1", options: .regularExpression).write(toFile: leaseFile, atomically: true, encoding: .utf8)
        #expect(try harness.run(["get", "pods", "-o", "name"]).stdout == "pod/survivor\n")
        let deleted = try harness.run(["delete", "pod", "survivor"])
        #expect(deleted.status == 0)
        #expect(deleted.stderr.contains("cleaned up the network of pods that are gone: default/ghost"), "\(deleted.stderr)")
        let ruleset = try harness.run(["nft", "list", "ruleset"], podctl: false).stdout
        #expect(!ruleset.contains("18282") && !ruleset.contains("18383"), "\(ruleset)")
        let after = try String(contentsOfFile: leaseFile, encoding: .utf8)
        #expect(!after.contains("ghost") && !after.contains("survivor"), "\(after)")
        #expect(!(try harness.run(["ip", "-d", "link"], podctl: false).stdout.contains("podv")))
    }
}

