import Foundation
import Glibc
import PodTestSupport
import Testing

/// A pod that ends on its own, through the real binaries (see Harness): a finished job
/// stops its native sidecar and its sandbox and stays listed until delete; a pod past
/// activeDeadlineSeconds is Failed, DeadlineExceeded (issue #19, item 4).
@Suite(.serialized) struct CompletionIntegrationTests {
    /// Whether every container of the pod (init and app) is terminated in its status.
    static func allTerminated(_ harness: Harness, _ pod: String) throws -> Bool {
        let status = try harness.status(pod)
        let all = ((status["containers"] as? [[String: Any]]) ?? []) + ((status["initContainers"] as? [[String: Any]]) ?? [])
        return !all.isEmpty && all.allSatisfy { (($0["state"] as? [String: Any])?["terminated"]) != nil }
    }

    static func row(_ harness: Harness, _ pod: String) throws -> [Substring] {
        let line = try harness.run(["get", "pods"]).stdout.split(separator: "\n").first { $0.hasPrefix(pod + " ") }
        return line?.split(separator: " ") ?? []
    }

    @Test(.needsRoot) func theJobExampleCompletesAndStopsItsSidecar() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let example = Harness.repository.appendingPathComponent("pods/job.yaml").path
        #expect(try harness.run(["apply", "-f", example]).status == 0)
        // The sidecar's grace period is the pod's default, 30 s.
        try harness.waitFor("the pod stopped", seconds: 40) { try harness.status("report")["stopped"] as? Bool == true }
        let status = try harness.status("report")
        #expect(status["phase"] as? String == "Succeeded")
        #expect(status["reason"] == nil)
        #expect(try Self.allTerminated(harness, "report"))
        #expect(try harness.podProcesses().isEmpty, "no process left in the pod's cgroups")
        #expect(status["podIP"] as? String != nil, "status keeps the address the pod had")
        let leases = (try? String(contentsOfFile: harness.base + "/lib/network/leases.json", encoding: .utf8)) ?? ""
        #expect(!leases.contains("report"), "the address lease went back at completion")
        #expect(try Self.row(harness, "report").dropFirst().prefix(2) == ["0/2", "Completed"])
        #expect(try harness.run(["logs", "report", "-c", "sum"]).stdout == "sum: 500500\n")
        #expect(try harness.run(["apply", "-f", example]).stdout == "pod/report unchanged\n", "a completed pod is not run again")
        #expect(try harness.run(["delete", "pod", "report"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/lib/pods/default/report"))
    }

    static func sidecar(_ name: String) -> String {
        """
          - name: \(name)
            image: localhost/busybox:1
            restartPolicy: Always
            command: ["sh", "-c", "trap 'echo \(name)-stopped >> /out/order; exit 0' TERM; while true; do sleep 0.1; done"]
            lifecycle: {preStop: {exec: {command: ["sh", "-c", "echo \(name)-prestop >> /out/order"]}}}
            volumeMounts: [{name: out, mountPath: /out}]
        """
    }

    @Test(.needsRoot) func aFailedJobUnderNeverStopsItsSidecarsInReverseOrderWithTheirPreStop() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let outside = harness.base + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: twice}
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 10
              initContainers:
            \(Self.sidecar("first"))
            \(Self.sidecar("second"))
              containers:
              - name: main
                image: localhost/busybox:1
                command: ["sh", "-c", "echo main >> /out/order; exit 3"]
                volumeMounts: [{name: out, mountPath: /out}]
              volumes: [{name: out, hostPath: {path: \(outside)}}]
            """)
        try harness.waitFor("the pod stopped", seconds: 30) { try harness.status("twice")["stopped"] as? Bool == true }
        #expect(try harness.status("twice")["phase"] as? String == "Failed")
        let order = try String(contentsOfFile: outside + "/order", encoding: .utf8).split(separator: "\n")
        #expect(order == ["main", "second-prestop", "second-stopped", "first-prestop", "first-stopped"])
        #expect(try Self.row(harness, "twice").dropFirst().prefix(2) == ["0/3", "Error"])
        #expect(try harness.podProcesses().isEmpty)
        #expect(try harness.run(["delete", "pod", "twice"]).status == 0)
    }

    @Test(.needsRoot) func aPodPastItsActiveDeadlineFailsWithDeadlineExceeded() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: late}
            spec:
              activeDeadlineSeconds: 2
              terminationGracePeriodSeconds: 2
              containers:
              - name: c
                image: localhost/busybox:1
                command: ["sleep", "60"]
            """)
        try harness.waitFor("the pod stopped", seconds: 20) { try harness.status("late")["stopped"] as? Bool == true }
        let status = try harness.status("late")
        #expect(status["phase"] as? String == "Failed")
        #expect(status["reason"] as? String == "DeadlineExceeded")
        #expect(status["message"] as? String == "Pod was active on the node longer than the specified deadline")
        #expect(try Self.allTerminated(harness, "late"))
        #expect(try harness.podProcesses().isEmpty)
        #expect(try Self.row(harness, "late").dropFirst().prefix(2) == ["0/1", "DeadlineExceeded"])
        #expect(try harness.run(["delete", "pod", "late"]).status == 0)
    }
}
