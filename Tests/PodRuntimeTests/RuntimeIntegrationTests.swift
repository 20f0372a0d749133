import Foundation
import Glibc
import PodTestSupport
import Testing

/// The pod runtime through the real binaries, checked against the kernel's view.
@Suite(.serialized) struct RuntimeIntegrationTests {
    static let twoContainers = """
        apiVersion: v1
        kind: Pod
        metadata: {name: duo}
        spec:
          terminationGracePeriodSeconds: 5
          containers:
          - name: web
            image: localhost/busybox:1
            command: ["sh", "-c", "echo web-started; echo oops >&2; exec httpd -f -p 8080 -h /shared"]
            volumeMounts: [{name: shared, mountPath: /shared}]
          - name: side
            image: localhost/busybox:1
            command: ["sh", "-c", "echo hello > /shared/index.html; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            volumeMounts: [{name: shared, mountPath: /shared}]
          volumes: [{name: shared, emptyDir: {}}]
        """

    @Test(.needsRoot) func containersShareThePausesNamespacesAndHaveTheirOwnRest() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.twoContainers)
        try harness.waitForRunning("duo", containers: ["web", "side"])
        let pause = pid_t(try harness.status("duo")["pausePID"] as? Int ?? 0)
        let web = try #require(try harness.containerPID("duo", "web"))
        let side = try #require(try harness.containerPID("duo", "side"))
        for kind in ["net", "uts", "ipc"] {
            #expect(Harness.namespace(kind, of: web) == Harness.namespace(kind, of: pause), "\(kind) shared with pause")
            #expect(Harness.namespace(kind, of: side) == Harness.namespace(kind, of: pause), "\(kind) shared with pause")
        }
        for kind in ["mnt", "pid", "cgroup"] {
            #expect(Harness.namespace(kind, of: web) != Harness.namespace(kind, of: side), "\(kind) of each container is its own")
            #expect(Harness.namespace(kind, of: web) != Harness.namespace(kind, of: harness.holder), "\(kind) is not the host's")
        }
        #expect(Harness.namespace("net", of: pause) != Harness.namespace("net", of: harness.holder))
        for pid in [pause, web, side] {
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            let nspid = status.split(separator: "\n").first { $0.hasPrefix("NSpid:") } ?? ""
            #expect(nspid.split(separator: "\t").last == "1", "pause and each init are PID 1 of their namespace: \(nspid)")
        }
        #expect(try harness.run(["exec", "duo", "-c", "web", "--", "hostname"]).stdout == "duo\n")
        #expect(try harness.run(["exec", "duo", "-c", "side", "--", "hostname"]).stdout == "duo\n")
        // The web server answers the side container over the shared loopback, with the
        // page the side container wrote into the shared emptyDir.
        try harness.waitFor("the page through the emptyDir") {
            try harness.run(["exec", "duo", "-c", "side", "--", "wget", "-qO-", "http://127.0.0.1:8080/"]).stdout == "hello\n"
        }
        // A file in one container's root is not in the other's.
        try harness.run(["exec", "duo", "-c", "web", "--", "touch", "/private-file"])
        #expect(try harness.run(["exec", "duo", "-c", "side", "--", "ls", "/private-file"]).status != 0)
        #expect(try harness.run(["exec", "duo", "-c", "web", "--", "ls", "/private-file"]).status == 0)
        try deleteAndCheckNothingLeft(harness, "duo", pause: pause)
    }

    @Test(.needsRoot) func getLogsAndExecBehaveAsKubectl() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.twoContainers)
        try harness.waitForRunning("duo", containers: ["web", "side"])
        let table = try harness.run(["get", "pods"]).stdout.split(separator: "\n")
        #expect(table.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
        #expect(table.dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true).prefix(4) == ["duo", "2/2", "Running", "0"])
        try harness.waitFor("the web log") { try harness.run(["logs", "duo"]).stdout == "web-started\noops\n" }
        let stamped = try harness.run(["logs", "duo", "-c", "web", "--timestamps"]).stdout
        #expect(stamped.split(separator: "\n").allSatisfy { $0.split(separator: " ").first?.hasSuffix("Z") == true })
        #expect(try harness.run(["exec", "duo", "--", "sh", "-c", "exit 7"]).status == 7)
        let missing = try harness.run(["exec", "duo", "--", "no-such-program"])
        #expect(missing.status == 127)
        #expect(missing.stderr.contains("executable file not found in $PATH"))
        let badContainer = try harness.run(["exec", "duo", "-c", "nope", "--", "true"])
        #expect(badContainer.status == 1)
        #expect(badContainer.stderr.contains("container nope not found in pod duo"))
        #expect(try harness.run(["exec", "duo", "-i", "--", "cat"], stdin: "piped\n").stdout == "piped\n")
        // -t: a pty from the container's own devpts, and the command's exit code through it.
        let terminal = try harness.run(["script", "-qec", "\(Harness.binary) exec -t duo -c side -- sh -c 'tty; exit 5'", "/dev/null"], podctl: false)
        #expect(terminal.status == 5)
        #expect(terminal.stdout.contains("/dev/pts/0"))
        #expect(try harness.run(["get", "pod", "nothere"]).stderr == "error: pods \"nothere\" not found in namespace default\n")
        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.twoContainers).stdout == "pod/duo unchanged\n")
        try harness.run(["delete", "pod", "duo", "--now"])
    }

    @Test(.needsRoot) func restartPolicyBackoffAndPreviousLogs() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: crash}
            spec:
              containers:
              - name: c
                image: localhost/busybox:1
                command: ["sh", "-c", "test -e /mark && echo stale; echo attempt; touch /mark; exit 3"]
            """)
        // The first restart is immediate; the second waits 10 s: CrashLoopBackOff.
        try harness.waitFor("CrashLoopBackOff") {
            try harness.run(["get", "pods"]).stdout.contains("CrashLoopBackOff")
        }
        let pod = try JSONSerialization.jsonObject(with: Data(try harness.run(["get", "pod", "crash", "-o", "json"]).stdout.utf8)) as? [String: Any]
        let status = (pod?["status"] as? [String: Any])?["containerStatuses"] as? [[String: Any]]
        let container = try #require(status?.first)
        #expect(container["restartCount"] as? Int == 1)
        let waiting = (container["state"] as? [String: Any])?["waiting"] as? [String: String]
        #expect(waiting?["reason"] == "CrashLoopBackOff")
        #expect(waiting?["message"]?.hasPrefix("back-off 10s restarting failed container=c pod=crash_default(") == true)
        let last = ((container["lastState"] as? [String: Any])?["terminated"] as? [String: Any])
        #expect(last?["exitCode"] as? Int == 3 && last?["reason"] as? String == "Error")
        // Each start has a fresh root: the restarted container did not see /mark.
        #expect(try harness.run(["logs", "crash", "--previous"]).stdout == "attempt\n")
        #expect(try harness.run(["logs", "crash"]).stdout == "attempt\n")
        // The first start's layer, set aside by the restart, is removed a moment later.
        let layers = harness.base + "/lib/pods/default/crash/containers/c"
        try harness.waitFor("the set-aside layer removed") {
            !FileManager.default.fileExists(atPath: layers + "/upper.previous") && !FileManager.default.fileExists(atPath: layers + "/work.previous")
        }
        #expect(FileManager.default.fileExists(atPath: layers + "/upper/mark"))
        try harness.run(["delete", "pod", "crash"])
    }

    @Test(.needsRoot) func sigtermReachesTheWorkloadAndOrphansAreReaped() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let outside = harness.base + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: term}
            spec:
              containers:
              - name: c
                image: localhost/busybox:1
                command: ["sh", "-c", "trap 'echo got-TERM > /out/signal; exit 0' TERM; (sleep 0.1 &); while true; do sleep 0.2; done"]
                volumeMounts: [{name: out, mountPath: /out}]
              volumes: [{name: out, hostPath: {path: \(outside), type: Directory}}]
            """)
        try harness.waitForRunning("term", containers: ["c"])
        let initPID = try #require(try harness.containerPID("term", "c"))
        // The double-forked sleep is orphaned inside the container and reaped by its init.
        let namespace = try HeldNamespace("net", of: initPID)
        try harness.waitFor("the orphan to be reaped") {
            let pids = namespace.processes()
            return pids.allSatisfy { pid in
                let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                return !(stat.split(separator: ")").last?.hasPrefix(" Z") ?? false)
            } && pids.count >= 3
        }
        try harness.run(["delete", "pod", "term"])
        #expect(try String(contentsOfFile: outside + "/signal", encoding: .utf8) == "got-TERM\n")
    }

    @Test(.needsRoot) func aMissingImageOrCommandGivesKubernetesReasons() throws {
        let harness = try Harness()
        let missing = try harness.run(["apply", "-f", "-"], stdin: "apiVersion: v1\nkind: Pod\nmetadata: {name: noimg}\nspec: {containers: [{name: c, image: nothere:1, imagePullPolicy: Never}]}\n")
        #expect(missing.status == 0, "\(missing.stderr)")
        #expect(missing.stderr.contains("ErrImageNeverPull"))
        #expect(try harness.run(["get", "pods"]).stdout.contains("ErrImageNeverPull"))
        try harness.run(["delete", "pod", "noimg"])
        try harness.loadBusybox()
        try harness.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: nocmd}\nspec: {restartPolicy: Never, containers: [{name: c, image: localhost/busybox:1, command: [no-such-binary]}]}\n")
        try harness.waitFor("StartError") { try harness.run(["get", "pods"]).stdout.contains("StartError") }
        let json = try harness.run(["get", "pod", "nocmd", "-o", "json"]).stdout
        #expect(json.contains("executable file not found in $PATH"))
        #expect(json.contains("\"phase\" : \"Failed\""))
        try harness.run(["delete", "pod", "nocmd"])
    }

    /// Delete leaves no process of the pod, no state under the roots, no lock.
    func deleteAndCheckNothingLeft(_ harness: Harness, _ pod: String, pause: pid_t) throws {
        let namespace = try HeldNamespace("net", of: pause)
        let mountsBefore = try String(contentsOfFile: "/proc/\(harness.holder)/mountinfo", encoding: .utf8)
        let result = try harness.run(["delete", "pod", pod])
        #expect(result.stdout == "pod \"\(pod)\" deleted\n")
        let left = namespace.processes()
        // delete's stderr carries its warnings (a damaged plan, cgroups left): with a
        // process left behind they say which of delete's kills missed it.
        #expect(left.isEmpty, "left in the pod's network namespace: \(Harness.describe(left)); delete's stderr: \(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.base + "/lib/pods").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.base + "/run/pods").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.base + "/run/locks").isEmpty)
        #expect(try String(contentsOfFile: "/proc/\(harness.holder)/mountinfo", encoding: .utf8) == mountsBefore)
        #expect(try harness.run(["get", "pods"]).stdout == "")
    }
}
