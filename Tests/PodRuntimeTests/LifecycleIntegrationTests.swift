import Foundation
import Glibc
import PodTestSupport
import Testing

/// Apply semantics, init containers and sidecars, volumes, and recovery after the
/// supervisor dies, through the real binaries (see Harness).
@Suite(.serialized) struct LifecycleIntegrationTests {
    static func web(_ sleep: String = "5", hostname: String = "web") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          hostname: \(hostname)
          terminationGracePeriodSeconds: 3
          containers:
          - name: httpd
            image: localhost/busybox:1
            command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
            volumeMounts: [{name: www, mountPath: /www}]
          - name: content
            image: localhost/busybox:1
            command: ["sh", "-c", "trap 'exit 0' TERM; while true; do echo hi > /www/index.html; sleep \(sleep); done"]
            volumeMounts: [{name: www, mountPath: /www}]
          volumes: [{name: www, emptyDir: {medium: Memory}}]
        """
    }

    @Test(.needsRoot) func applyIsIdempotentRestartsAChangedContainerInPlaceAndRecreatesAChangedSandbox() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.web()).stdout == "pod/web created\n")
        try harness.waitForRunning("web", containers: ["httpd", "content"])
        let pause = try harness.status("web")["pausePID"] as? Int
        let httpd = try harness.containerPID("web", "httpd")
        let content = try harness.containerPID("web", "content")
        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.web()).stdout == "pod/web unchanged\n")
        #expect(try harness.containerPID("web", "content") == content)

        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.web("4")).stdout == "pod/web configured\n")
        try harness.waitFor("content restarted with its new spec") {
            let pid = try harness.containerPID("web", "content")
            return pid != nil && pid != content
        }
        #expect(try harness.status("web")["pausePID"] as? Int == pause, "same sandbox")
        #expect(try harness.containerPID("web", "httpd") == httpd, "the unchanged container kept running")

        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.web("4", hostname: "renamed")).stdout == "pod/web configured\n")
        try harness.waitForRunning("web", containers: ["httpd", "content"])
        #expect(try harness.status("web")["pausePID"] as? Int != pause, "a changed sandbox is a new pod")
        #expect(try harness.run(["exec", "web", "--", "hostname"]).stdout == "renamed\n")
        try harness.run(["delete", "pod", "web", "--now"])
    }

    @Test(.needsRoot) func initContainersRunInOrderAndSidecarsStopAfterTheApp() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let outside = harness.base + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: ordered}
            spec:
              terminationGracePeriodSeconds: 5
              initContainers:
              - name: first
                image: localhost/busybox:1
                command: ["sh", "-c", "echo first >> /out/order"]
                volumeMounts: [{name: out, mountPath: /out}]
              - name: sidecar
                image: localhost/busybox:1
                restartPolicy: Always
                command: ["sh", "-c", "echo sidecar >> /out/order; trap 'echo sidecar-stopped >> /out/order; exit 0' TERM; while true; do sleep 0.1; done"]
                volumeMounts: [{name: out, mountPath: /out}]
              - name: second
                image: localhost/busybox:1
                command: ["sh", "-c", "echo second >> /out/order"]
                volumeMounts: [{name: out, mountPath: /out}]
              containers:
              - name: app
                image: localhost/busybox:1
                command: ["sh", "-c", "echo app >> /out/order; trap 'sleep 0.3; echo app-stopped >> /out/order; exit 0' TERM; while true; do sleep 0.1; done"]
                volumeMounts: [{name: out, mountPath: /out}]
              volumes: [{name: out, hostPath: {path: \(outside)}}]
            """)
        try harness.waitForRunning("ordered", containers: ["app", "sidecar"])
        try harness.waitFor("the app's line") { try String(contentsOfFile: outside + "/order", encoding: .utf8).hasSuffix("app\n") }
        #expect(try harness.run(["get", "pods"]).stdout.contains("2/2"))
        try harness.run(["delete", "pod", "ordered"])
        let order = try String(contentsOfFile: outside + "/order", encoding: .utf8).split(separator: "\n")
        #expect(order == ["first", "sidecar", "second", "app", "app-stopped", "sidecar-stopped"])
    }

    @Test(.needsRoot) func aKilledSupervisorShowsUnknownAndDeleteCleansUp() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.web())
        try harness.waitForRunning("web", containers: ["httpd", "content"])
        let supervisor = pid_t(try harness.status("web")["supervisorPID"] as? Int ?? 0)
        let pause = pid_t(try harness.status("web")["pausePID"] as? Int ?? 0)
        let namespace = try HeldNamespace("net", of: pause)
        kill(supervisor, SIGKILL)
        try harness.waitFor("Unknown") { try harness.run(["get", "pods"]).stdout.contains("Unknown") }
        #expect(!namespace.processes().isEmpty, "the pod's processes outlive the supervisor")
        let result = try harness.run(["delete", "pod", "web"])
        #expect(result.status == 0)
        let left = namespace.processes()
        #expect(left.isEmpty, "delete kills what the dead supervisor left: \(Harness.describe(left))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.base + "/lib/pods").isEmpty)
    }

    /// A process that entered the pod's network namespace from outside (setns(2) leaves it
    /// in its own cgroups, so the cgroup kill misses it) goes with the pod: delete holds the
    /// namespace from before the stop, when the pause still leads to it.
    @Test(.needsRoot) func deleteKillsAProcessThatJoinedThePodsNetworkFromOutside() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.web())
        try harness.waitForRunning("web", containers: ["httpd", "content"])
        let pause = pid_t(try harness.status("web")["pausePID"] as? Int ?? 0)
        let namespace = try HeldNamespace("net", of: pause)
        let outsider = Process()
        outsider.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        outsider.arguments = ["-t", String(pause), "-n", "--", "sleep", "1000"]
        try outsider.run()
        defer { if outsider.isRunning { kill(outsider.processIdentifier, SIGKILL); outsider.waitUntilExit() } }
        try harness.waitFor("the outsider in the pod's network") { namespace.processes().contains(outsider.processIdentifier) }
        #expect(try harness.run(["delete", "pod", "web"]).status == 0)
        let left = namespace.processes()
        #expect(left.isEmpty, "delete kills what is in the pod's network: \(Harness.describe(left))")
        outsider.waitUntilExit()
        #expect(outsider.terminationReason == .uncaughtSignal && outsider.terminationStatus == SIGKILL)
    }

    @Test(.needsRoot) func volumesHonourReadOnlySubPathAndHostPathTypes() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let created = harness.base + "/made-by-podctl"
        try harness.apply("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {greeting: hello}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: vols}
            spec:
              containers:
              - name: c
                image: localhost/busybox:1
                command: ["sleep", "1000"]
                env: [{name: FROM_MAP, valueFrom: {configMapKeyRef: {name: settings, key: greeting}}}]
                volumeMounts:
                - {name: scratch, mountPath: /ro, readOnly: true}
                - {name: scratch, mountPath: /sub, subPath: part}
                - {name: made, mountPath: /made}
                - {name: config, mountPath: /config}
              volumes:
              - {name: scratch, emptyDir: {}}
              - {name: made, hostPath: {path: \(created), type: DirectoryOrCreate}}
              - {name: config, configMap: {name: settings}}
            """)
        try harness.waitForRunning("vols", containers: ["c"])
        #expect(try harness.run(["exec", "vols", "--", "touch", "/ro/x"]).status != 0, "readOnly")
        #expect(try harness.run(["exec", "vols", "--", "touch", "/sub/x"]).status == 0)
        #expect(try harness.run(["exec", "vols", "--", "ls", "/ro/part"]).stdout == "x\n", "subPath is a directory of the volume")
        #expect(FileManager.default.fileExists(atPath: created), "DirectoryOrCreate made the host directory")
        #expect(try harness.run(["exec", "vols", "--", "cat", "/config/greeting"]).stdout == "hello")
        #expect(try harness.run(["exec", "vols", "--", "sh", "-c", "echo $FROM_MAP"]).stdout == "hello\n")
        #expect(try harness.run(["exec", "vols", "--", "touch", "/config/new"]).status != 0, "configMap volumes are read-only")
        let missing = try harness.run(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Pod\nmetadata: {name: nohost}\nspec: {containers: [{name: c, image: localhost/busybox:1}], volumes: [{name: v, hostPath: {path: /no/such/dir, type: Directory}}]}\n")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/no/such/dir does not exist (type: Directory)"))
        try harness.run(["delete", "pod", "vols", "--now"])
        #expect(try harness.run(["get", "pods"]).stdout == "")
    }
}
