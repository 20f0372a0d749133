import Foundation
import Glibc
import PodTestSupport
import Testing

/// Probes, hooks and sidecar ordering (docs/runtime.md, "Probes and hooks") through the
/// real binaries with busybox workloads. Every wait is on a condition with a deadline.
@Suite(.serialized) struct ProbeIntegrationTests {
    static let loop = "trap 'exit 0' TERM; while true; do sleep 0.2; done"

    static func pod(_ name: String, _ container: String, grace: Int = 3, extra: String = "") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: \(grace)
        \(extra.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
          containers:
          - name: c
            image: localhost/busybox:1
        \(container.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    func harness() throws -> Harness {
        let harness = try Harness()
        try harness.loadBusybox()
        return harness
    }

    func container(_ harness: Harness, _ pod: String, _ name: String = "c") throws -> [String: Any] {
        try harness.containerRecord(pod, name)
    }

    func events(_ harness: Harness, _ pod: String) throws -> [String] {
        ((try harness.status(pod)["events"] as? [[String: Any]]) ?? []).map { "\($0["reason"] ?? "") \($0["message"] ?? "")" }
    }

    func count(_ harness: Harness, _ pod: String, _ prefix: String) throws -> Int {
        ((try harness.status(pod)["events"] as? [[String: Any]]) ?? [])
            .filter { "\($0["reason"] ?? "") \($0["message"] ?? "")".hasPrefix(prefix) }
            .reduce(0) { $0 + (($1["count"] as? Int) ?? 1) }
    }

    @Test(.needsRoot) func readinessTurnsTrueWhenAFileAppears() throws {
        let harness = try harness()
        try harness.apply(Self.pod("ready", """
            command: ["sh", "-c", "\(Self.loop)"]
            readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
            """))
        try harness.waitFor("a failed readiness probe") { try count(harness, "ready", "Unhealthy Readiness probe failed: cat: can't open '/tmp/ready'") >= 1 }
        #expect(try harness.run(["get", "pods"]).stdout.contains("0/1"))
        #expect(try harness.run(["wait", "--for=condition=Ready=False", "pod/ready", "--timeout=1s"]).status == 0)
        try harness.run(["exec", "ready", "--", "touch", "/tmp/ready"])
        let waited = try harness.run(["wait", "--for=condition=Ready", "pod/ready", "--timeout=20s"])
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(try harness.run(["get", "pods"]).stdout.contains("1/1"))
        #expect(try container(harness, "ready")["ready"] as? Bool == true)
        try harness.run(["delete", "pod", "ready", "--now"])
    }

    @Test(.needsRoot) func aFailingLivenessProbeRestartsWithBackOff() throws {
        let harness = try harness()
        try harness.apply(Self.pod("live", """
            command: ["sh", "-c", "\(Self.loop)"]
            livenessProbe: {exec: {command: [sh, -c, "exit 7"]}, periodSeconds: 1, failureThreshold: 2}
            """))
        try harness.waitFor("a restart after the liveness probe failed") { try container(harness, "live")["restartCount"] as? Int ?? 0 >= 1 }
        try harness.waitFor("the back-off after the second kill", seconds: 30) {
            try harness.run(["get", "pods"]).stdout.contains("CrashLoopBackOff")
        }
        let events = try events(harness, "live")
        #expect(events.contains("Unhealthy Liveness probe failed: command exited with code 7"), "\(events)")
        #expect(events.contains("Killing Container c failed liveness probe, will be restarted"), "\(events)")
        #expect(events.contains { $0.hasPrefix("BackOff Back-off restarting failed container c") }, "\(events)")
        try harness.run(["delete", "pod", "live", "--now"])
    }

    @Test(.needsRoot) func httpGetByPortNameAndTCPOnAClosedPort() throws {
        let harness = try harness()
        try harness.apply(Self.pod("web", """
            command: ["sh", "-c", "mkdir -p /www; echo ok > /www/healthz; exec httpd -f -p 80 -h /www"]
            ports: [{name: http, containerPort: 80}]
            readinessProbe: {httpGet: {path: /healthz, port: http, httpHeaders: [{name: X-Probe, value: podctl}]}, periodSeconds: 1}
            livenessProbe: {httpGet: {path: /missing, port: http}, periodSeconds: 1, failureThreshold: 1000}
            startupProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
            """))
        try harness.run(["wait", "--for=condition=Ready", "pod/web", "--timeout=20s"])
        try harness.waitFor("the 404 of the liveness probe") { try count(harness, "web", "Unhealthy Liveness probe failed: HTTP probe failed with statuscode: 404") >= 1 }
        try harness.apply(Self.pod("closed", """
            command: ["sh", "-c", "\(Self.loop)"]
            readinessProbe: {tcpSocket: {port: 81}, periodSeconds: 1}
            """))
        try harness.waitFor("the refused connection") {
            try events(harness, "closed").contains { $0.hasPrefix("Unhealthy Readiness probe failed: dial tcp 10.88.") && $0.hasSuffix(":81: connect: connection refused") }
        }
        #expect(try container(harness, "closed")["ready"] as? Bool == false)
        try harness.run(["delete", "pod", "web", "closed", "--now"])
    }

    @Test(.needsRoot) func aHangingExecProbeIsKilledAtItsTimeout() throws {
        let harness = try harness()
        try harness.apply(Self.pod("hang", """
            command: ["sh", "-c", "\(Self.loop)"]
            readinessProbe: {exec: {command: [sh, -c, "echo $$ > /tmp/probe.pid; exec sleep 100"]}, timeoutSeconds: 1, periodSeconds: 60}
            """))
        try harness.waitFor("the timeout") { try events(harness, "hang").contains("Unhealthy Readiness probe failed: command timed out") }
        try harness.waitFor("the probe's process to be gone") {
            try harness.run(["exec", "hang", "--", "sh", "-c", "kill -0 $(cat /tmp/probe.pid)"]).status != 0
        }
        try harness.run(["delete", "pod", "hang", "--now"])
    }

    @Test(.needsRoot) func aStartupProbeHoldsOffLiveness() throws {
        let harness = try harness()
        try harness.apply(Self.pod("slow", """
            command: ["sh", "-c", "\(Self.loop)"]
            startupProbe: {exec: {command: [test, -e, /tmp/started]}, periodSeconds: 1, failureThreshold: 60}
            livenessProbe: {exec: {command: [test, -e, /tmp/alive]}, periodSeconds: 1, failureThreshold: 1}
            """))
        try harness.waitFor("three failed startup probes") { try count(harness, "slow", "Unhealthy Startup probe failed") >= 3 }
        #expect(try count(harness, "slow", "Unhealthy Liveness") == 0, "liveness waits for startup")
        #expect(try container(harness, "slow")["restartCount"] as? Int == 0)
        #expect(try container(harness, "slow")["started"] as? Bool == false)
        try harness.run(["exec", "slow", "--", "touch", "/tmp/started"])
        try harness.waitFor("liveness, once started, to restart it") { try container(harness, "slow")["restartCount"] as? Int ?? 0 >= 1 }
        #expect(try count(harness, "slow", "Unhealthy Liveness probe failed") >= 1)
        try harness.run(["delete", "pod", "slow", "--now"])
    }

    @Test(.needsRoot) func postStartRunsBeforeRunningAndItsFailureIsReported() throws {
        let harness = try harness()
        try harness.apply(Self.pod("hooked", """
            command: ["sh", "-c", "\(Self.loop)"]
            lifecycle: {postStart: {exec: {command: [sh, -c, "sleep 1; echo hook > /tmp/hook"]}}}
            """))
        try harness.waitFor("the process, not yet Running") {
            let record = try container(harness, "hooked")
            return record["pid"] != nil && (record["state"] as? [String: Any])?["waiting"] != nil
        }
        try harness.waitFor("Running") { (try container(harness, "hooked")["state"] as? [String: Any])?["running"] != nil }
        #expect(try harness.run(["exec", "hooked", "--", "cat", "/tmp/hook"]).stdout == "hook\n", "postStart had finished")
        try harness.apply(Self.pod("broken", """
            command: ["sh", "-c", "\(Self.loop)"]
            lifecycle: {postStart: {exec: {command: [sh, -c, "echo no such thing; exit 3"]}}}
            """))
        try harness.waitFor("the failed hook and a restart") {
            try count(harness, "broken", "FailedPostStartHook PostStartHook failed: no such thing") >= 1 && (try container(harness, "broken")["restartCount"] as? Int ?? 0) >= 1
        }
        let described = try harness.run(["describe", "pod", "broken"]).stdout
        #expect(described.contains("FailedPostStartHook"), "\(described)")
        try harness.run(["delete", "pod", "hooked", "broken", "--now"])
    }

    @Test(.needsRoot) func preStopRunsBeforeTheStopSignalWithinTheGracePeriod() throws {
        let harness = try harness()
        let shared = harness.base + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        try harness.apply(Self.pod("stopper", """
            command: ["sh", "-c", "trap 'echo term >> /shared/order; exit 0' TERM; while true; do sleep 0.2; done"]
            volumeMounts: [{name: shared, mountPath: /shared}]
            lifecycle: {preStop: {exec: {command: [sh, -c, "echo prestop >> /shared/order"]}}}
            """, grace: 20, extra: "volumes: [{name: shared, hostPath: {path: \(shared)}}]"))
        try harness.waitForRunning("stopper", containers: ["c"])
        try harness.waitFor("Running") { (try container(harness, "stopper")["state"] as? [String: Any])?["running"] != nil }
        let start = Date()
        try harness.run(["delete", "pod", "stopper"])
        #expect(Date().timeIntervalSince(start) < 20, "well within the grace period: nothing was killed")
        #expect(try String(contentsOfFile: shared + "/order", encoding: .utf8) == "prestop\nterm\n")
    }

    @Test(.needsRoot) func aSidecarWithAStartupProbeGatesTheNextInitAndStopsAfterTheApp() throws {
        let harness = try harness()
        let shared = harness.base + "/order"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: sidecar}
            spec:
              terminationGracePeriodSeconds: 10
              volumes: [{name: shared, hostPath: {path: \(shared)}}]
              initContainers:
              - name: proxy
                image: localhost/busybox:1
                restartPolicy: Always
                command: ["sh", "-c", "trap 'echo proxy-term >> /shared/log; exit 0' TERM; sleep 1; echo proxy-up >> /shared/log; touch /tmp/up; while true; do sleep 0.2; done"]
                volumeMounts: [{name: shared, mountPath: /shared}]
                startupProbe: {exec: {command: [test, -e, /tmp/up]}, periodSeconds: 1, failureThreshold: 30}
              - name: setup
                image: localhost/busybox:1
                command: ["sh", "-c", "echo setup >> /shared/log"]
                volumeMounts: [{name: shared, mountPath: /shared}]
              containers:
              - name: app
                image: localhost/busybox:1
                command: ["sh", "-c", "trap 'echo app-term >> /shared/log; exit 0' TERM; echo app-up >> /shared/log; while true; do sleep 0.2; done"]
                volumeMounts: [{name: shared, mountPath: /shared}]
            """)
        try harness.waitFor("the app", seconds: 30) { try String(contentsOfFile: shared + "/log", encoding: .utf8).contains("app-up") }
        try harness.run(["delete", "pod", "sidecar"])
        #expect(try String(contentsOfFile: shared + "/log", encoding: .utf8) == "proxy-up\nsetup\napp-up\napp-term\nproxy-term\n")
    }

    /// The pods/ example of an app waiting on its database, with `apply --wait`.
    @Test(.needsRoot) func applyWaitReturnsOnceReadyOrFailsWithTheReason() throws {
        let harness = try harness()
        let example = Harness.repository.appendingPathComponent("pods/app-waits-for-db.yaml").path
        let applied = try harness.run(["apply", "-f", example, "--wait", "--timeout=90s"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try harness.run(["wait", "--for=condition=Ready", "pod/shop", "pod/database", "--timeout=0"]).status == 0)
        #expect(try harness.run(["busybox", "wget", "-qO-", "http://127.0.0.1:8082/"], podctl: false).stdout == "served through the proxy\n")
        #expect(try harness.run(["logs", "shop", "-c", "wait-for-database"]).stdout.contains("ready"))
        let never = try harness.run(["apply", "-f", "-", "--wait", "--timeout=3s"], stdin: Self.pod("never", """
            command: ["sh", "-c", "\(Self.loop)"]
            readinessProbe: {exec: {command: [sh, -c, "echo not yet; exit 1"]}, periodSeconds: 1}
            """))
        #expect(never.status == 1)
        #expect(never.stderr.contains("timed out after 3s waiting for Ready: pod/never: container c: Readiness probe failed: not yet"), "\(never.stderr)")
        try harness.run(["delete", "pod", "shop", "database", "never", "--now"])
    }
}

