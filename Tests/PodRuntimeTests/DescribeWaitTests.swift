import Foundation
import Glibc
import PodTestSupport
import Testing

/// `podctl describe` and `podctl wait` against real pods (root, through the Harness).
@Suite(.serialized) struct DescribeWaitTests {
    static let twoContainers = """
        apiVersion: v1
        kind: Pod
        metadata: {name: duo, labels: {app: duo}}
        spec:
          terminationGracePeriodSeconds: 5
          containers:
          - name: web
            image: localhost/busybox:1
            command: ["sh", "-c", "exec httpd -f -p 8080 -h /shared"]
            ports: [{name: http, containerPort: 8080}]
            volumeMounts: [{name: shared, mountPath: /shared, readOnly: true}]
          - name: side
            image: localhost/busybox:1
            command: ["sh", "-c", "echo hello > /shared/index.html; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            volumeMounts: [{name: shared, mountPath: /shared}]
          volumes: [{name: shared, emptyDir: {}}]
        """

    static let crashing = """
        apiVersion: v1
        kind: Pod
        metadata: {name: crash}
        spec:
          containers:
          - name: c
            image: localhost/busybox:1
            command: ["sh", "-c", "exit 3"]
        """

    /// The lines of a describe output with runs of spaces made one, for checks that do
    /// not depend on column widths.
    static func squeezed(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
    }

    static func elapsed(_ start: Date) -> Double { Date().timeIntervalSince(start) }

    @Test(.needsRoot) func describeShowsARunningTwoContainerPod() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.twoContainers)
        let ready = try harness.run(["wait", "--for=condition=Ready", "pod/duo", "--timeout=20s"])
        #expect(ready.status == 0, "\(ready.stderr)")
        let result = try harness.run(["describe", "pod", "duo"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = Self.squeezed(result.stdout)
        let podIP = try #require(try harness.status("duo")["podIP"] as? String)
        for expected in [
            "Name: duo", "Namespace: default", "Priority: 0", "Labels: app=duo", "Status: Running", "IP: \(podIP)",
            "Containers:", "web:", "side:", "Image: localhost/busybox:1", "Port: 8080/TCP (http)", "Host Port: 0/TCP",
            "/shared from shared (ro)", "/shared from shared (rw)", "Ready: True", "Restart Count: 0",
            "Conditions:", "Type Status", "Ready True", "ContainersReady True", "Initialized True", "PodReadyToStartContainers True",
            "Volumes:", "shared:", "Type: EmptyDir (a temporary directory that shares a pod's lifetime)", "SizeLimit: <unset>",
            "QoS Class: BestEffort", "Node-Selectors: <none>", "Tolerations: <none>", "Events:", "Type Reason Age From Message",
        ] {
            #expect(lines.contains(expected), "describe lacks \"\(expected)\":\n\(result.stdout)")
        }
        #expect(lines.filter { $0 == "State: Running" }.count == 2, "\(result.stdout)")
        #expect(lines.filter { $0.hasPrefix("Started: ") }.count == 2)
        for container in ["web", "side"] {
            #expect(lines.contains { $0.hasPrefix("Normal Started ") && $0.hasSuffix("podctl Started container \(container)") }, "\(result.stdout)")
        }
        #expect(lines.first == "Name: duo")
        #expect(!lines.contains("Init Containers:"))
        // The other spellings, every pod, and kubectl's errors.
        #expect(try harness.run(["describe", "pod/duo"]).stdout.hasPrefix("Name:         duo\n"))
        #expect(try harness.run(["describe", "pods"]).stdout.hasPrefix("Name:         duo\n"))
        #expect(try harness.run(["describe", "pods", "du"]).stdout.hasPrefix("Name:         duo\n"))
        let missing = try harness.run(["describe", "pod", "nothere"])
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: pods \"nothere\" not found in namespace default\n"))
        #expect(try harness.run(["describe", "pods", "-n", "other"]).stderr == "No resources found in other namespace.\n")
        try harness.run(["delete", "pod", "duo", "--now"])
    }

    @Test(.needsRoot) func waitForReadyReturnsQuicklyForARunningPod() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.twoContainers)
        try harness.waitForRunning("duo", containers: ["web", "side"])
        let start = Date()
        let ready = try harness.run(["wait", "--for=condition=Ready", "pod/duo"])
        #expect(ready.status == 0 && ready.stdout == "pod/duo condition met\n", "\(ready.stderr)")
        #expect(Self.elapsed(start) < 2, "wait on a Ready pod took \(Self.elapsed(start)) s")
        for condition in ["condition=ContainersReady", "condition=Initialized", "condition=PodReadyToStartContainers", "jsonpath={.status.phase}=Running"] {
            let result = try harness.run(["wait", "--for=\(condition)", "pod", "duo", "--timeout=0"])
            #expect(result.status == 0 && result.stdout == "pod/duo condition met\n", "\(condition): \(result.stderr)")
        }
        let notFound = try harness.run(["wait", "--for=condition=Ready", "pod/ghost", "--timeout=1s"])
        #expect(notFound.status == 1)
        #expect(notFound.stderr == "error: pods \"ghost\" not found in namespace default\n")
        let gone = try harness.run(["wait", "--for=delete", "pod/ghost"])
        #expect(gone.status == 0 && gone.stdout == "pod/ghost condition met\n")
        let badDuration = try harness.run(["wait", "--for=condition=Ready", "pod/duo", "--timeout=30"])
        #expect(badDuration.status == 1 && badDuration.stderr == "error: time: missing unit in duration \"30\"\n")
        try harness.run(["delete", "pod", "duo", "--now"])
    }

    @Test(.needsRoot) func waitForDeleteReturnsOnceDeleteRemovedThePod() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        // A container that ignores SIGTERM, so delete takes its grace period (2 s) and
        // wait is already polling while the pod goes.
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: slow}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: c
                image: localhost/busybox:1
                command: ["sh", "-c", "trap '' TERM; while true; do sleep 0.2; done"]
            """)
        try harness.waitForRunning("slow", containers: ["c"])
        let deletion = Background { try harness.run(["delete", "pod", "slow"]) }
        let result = try harness.run(["wait", "--for=delete", "pod/slow", "--timeout=60s"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "pod/slow condition met\n")
        let deleted = try deletion.result()
        #expect(deleted.status == 0 && deleted.stdout == "pod \"slow\" deleted\n", "\(deleted.stderr)")
        #expect(try harness.run(["get", "pods"]).stdout == "")
    }

    @Test(.needsRoot) func waitTimesOutOnACrashingPodAndDescribeShowsWhy() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.crashing)
        let start = Date()
        // Never true under restartPolicy Always (Ready would be: for the moments the
        // container runs between crashes, as in Kubernetes).
        let result = try harness.run(["wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/crash", "--timeout=1s"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: timed out waiting for the condition on pods/crash\n")
        #expect(result.stdout == "")
        #expect(Self.elapsed(start) >= 1 && Self.elapsed(start) < 5, "took \(Self.elapsed(start)) s")
        try harness.waitFor("CrashLoopBackOff") { try harness.run(["get", "pods"]).stdout.contains("CrashLoopBackOff") }
        let lines = Self.squeezed(try harness.run(["describe", "pod", "crash"]).stdout)
        for expected in ["State: Waiting", "Reason: CrashLoopBackOff", "Last State: Terminated", "Reason: Error", "Exit Code: 3",
                         "Ready: False", "Restart Count: 1", "Ready False", "ContainersReady False"] {
            #expect(lines.contains(expected), "describe lacks \"\(expected)\": \(lines)")
        }
        #expect(lines.contains { $0.hasPrefix("Warning BackOff ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("Message: back-off 10s restarting failed container=c pod=crash_default(") })
        try harness.run(["delete", "pod", "crash", "--now"])
    }

    @Test(.needsRoot) func aPodWhoseSupervisorWasKilledIsUnknown() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.twoContainers)
        try harness.waitForRunning("duo", containers: ["web", "side"])
        let supervisor = pid_t(try harness.status("duo")["supervisorPID"] as? Int ?? 0)
        #expect(supervisor > 0)
        kill(supervisor, SIGKILL)
        try harness.waitFor("the supervisor to be gone") {
            !((try? String(contentsOfFile: "/proc/\(supervisor)/cmdline", encoding: .utf8)) ?? "").contains("pod-supervisor")
        }
        let lines = Self.squeezed(try harness.run(["describe", "pod", "duo"]).stdout)
        #expect(lines.contains("Status: Unknown") && lines.contains("Reason: NodeLost"), "\(lines)")
        let wait = try harness.run(["wait", "--for=jsonpath={.status.phase}=Unknown", "pod/duo", "--timeout=5s"])
        #expect(wait.status == 0 && wait.stdout == "pod/duo condition met\n", "\(wait.stderr)")
        let ready = try harness.run(["wait", "--for=condition=Ready=false", "pod/duo", "--timeout=5s"])
        #expect(ready.status == 0, "\(ready.stderr)")
        try harness.run(["delete", "pod", "duo", "--now"])
    }
}

/// A harness command run on another thread, its result collected later.
final class Background: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<Harness.Result, Error>?

    init(_ work: @escaping @Sendable () throws -> Harness.Result) {
        Thread.detachNewThread { [self] in
            outcome = Result { try work() }
            done.signal()
        }
    }

    func result() throws -> Harness.Result {
        done.wait()
        return try outcome!.get()
    }
}
