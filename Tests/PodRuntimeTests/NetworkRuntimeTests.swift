import Foundation
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

    @Test func podsGetAddressesAndHostPortsAnswerAndDeleteLeavesNothing() throws {
        guard Harness.canRun else { return }
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
}
