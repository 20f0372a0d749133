import Foundation
import Glibc
import Synchronization
import PodCgroups
import PodTestSupport
import Testing

/// `podctl restore` after a simulated reboot (docs/runtime.md, "After a reboot"): every
/// process of podctl and its pods killed by PID, the run root emptied, then the command
/// the boot unit runs. What a reboot would also clear and this does not: the bridge and
/// the nftables table of the harness's network namespace stay, as after a crash without
/// a reboot — the harder case, since the map elements of the dead pods are still there
/// and restore must replace them, not add to them. The pods' veths go with their
/// namespaces, as in a reboot.
@Suite(.serialized) struct RestoreTests {
    /// An Always pod serving HTTP on a hostPort (its first log line unique to its run), an
    /// OnFailure pod and a Never pod that finish, and a Never pod that keeps running.
    static let web = pod("web", "Always", "{name: httpd, image: localhost/busybox:1, ports: [{containerPort: 80, hostPort: 18480}], "
        + "command: [sh, -c, 'echo before-$(cat /proc/sys/kernel/random/uuid); mkdir -p /www; echo served > /www/index.html; exec httpd -f -p 80 -h /www']}")
    static let pods = [
        web,
        pod("job", "OnFailure", "{name: c, image: localhost/busybox:1, command: [echo, job-done]}"),
        pod("once", "Never", "{name: c, image: localhost/busybox:1, command: [echo, once-done]}"),
        pod("sleeper", "Never", "{name: c, image: localhost/busybox:1, command: [sleep, '1000']}"),
    ].joined(separator: "---\n")

    static func pod(_ name: String, _ policy: String, _ container: String) -> String {
        "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name)}\nspec: {restartPolicy: \(policy), containers: [\(container)]}\n"
    }

    @Test(.needsRoot) func aSimulatedRebootBringsBackExactlyThePodsTheirPoliciesAsk() throws {
        let harness = try webRunning(Self.pods)
        defer { _ = try? harness.run(["delete", "pods", "--all", "--now"]) }
        try harness.waitForRunning("sleeper", containers: ["c"])
        for pod in ["job", "once"] { try harness.waitFor("\(pod) Succeeded") { try harness.status(pod)["phase"] as? String == "Succeeded" } }
        try waitForHostPort(harness)
        let address = try #require(try harness.status("web")["podIP"] as? String)
        try harness.waitFor("web's first log line") { try harness.run(["logs", "web"]).stdout.hasPrefix("before-") }
        let firstLog = try harness.run(["logs", "web"]).stdout

        try simulateReboot(harness)
        let planned = try harness.run(["restore", "-A", "--dry-run"]).stdout
        for line in ["pod \"web\" would be started again at \(address)", "pod \"job\" would stay Succeeded", "pod \"once\" would stay Succeeded", "pod \"sleeper\" would stay Failed"] {
            #expect(planned.contains(line), "\(planned)")
        }
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/run/pods/default/web/status.json"), "--dry-run changed nothing")
        let restored = try harness.run(["restore", "-A"])
        #expect(restored.status == 0, "\(restored.stderr)")

        // Always: back, at the same address, on the same hostPort, its log kept.
        try harness.waitForRunning("web", containers: ["httpd"])
        #expect(try harness.status("web")["podIP"] as? String == address)
        try waitForHostPort(harness)
        #expect(try harness.containerRecord("web", "httpd")["restartCount"] as? Int == 1)
        #expect(try harness.run(["logs", "web", "--previous"]).stdout == firstLog)
        try harness.waitFor("web's log after the reboot, in a new file") {
            let now = try harness.run(["logs", "web"]).stdout
            return now.hasPrefix("before-") && now != firstLog
        }
        // OnFailure that succeeded, Never that finished: stay finished. Never that ran: lost, not rerun.
        for pod in ["job", "once"] {
            #expect(try harness.status(pod)["phase"] as? String == "Succeeded")
            #expect(try harness.status(pod)["supervisorPID"] as? Int == 0)
        }
        #expect(try harness.status("sleeper")["phase"] as? String == "Failed")
        #expect(try harness.containerPID("sleeper", "c") == nil)
        #expect(try harness.run(["logs", "once"]).stdout == "once-done\n")
        #expect(try !harness.podProcesses().contains { commandLine($0).hasPrefix("sleep\u{0}1000") }, "the Never pod's container was not rerun")

        // Again: nothing is started twice.
        let supervisor = try #require(try harness.status("web")["supervisorPID"] as? Int)
        let again = try harness.run(["restore", "-A"])
        #expect(again.status == 0 && again.stdout.contains("pod \"web\" running (supervisor \(supervisor))"), "\(again.stdout)\(again.stderr)")
        #expect(try harness.status("web")["supervisorPID"] as? Int == supervisor)
        #expect(try harness.containerRecord("web", "httpd")["restartCount"] as? Int == 1)
    }

    /// configMap and secret volumes live in the run root; after a reboot their files are
    /// written again from the stored ConfigMap and Secret (#19).
    @Test(.needsRoot) func aPodWithConfigMapAndSecretVolumesComesBackWithTheirFiles() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        defer { _ = try? harness.run(["delete", "pods", "--all", "--now"]) }
        #expect(try harness.run(["create", "configmap", "cfg", "--from-literal=greeting=hello"]).status == 0)
        #expect(try harness.run(["create", "secret", "generic", "creds", "--from-literal=pw=s3cret"]).status == 0)
        try harness.apply(Self.pod("keeper", "Always", "{name: c, image: localhost/busybox:1, command: [sleep, '1000'], "
            + "volumeMounts: [{name: cfg, mountPath: /cfg}, {name: s, mountPath: /s}]}], volumes: [{name: cfg, configMap: {name: cfg}}, {name: s, secret: {secretName: creds}}"))
        try harness.waitForRunning("keeper", containers: ["c"])
        try simulateReboot(harness, pods: ["keeper"])
        let restored = try harness.run(["restore", "-A"])
        #expect(restored.status == 0, "\(restored.stderr)")
        try harness.waitForRunning("keeper", containers: ["c"])
        #expect(try harness.run(["exec", "keeper", "--", "cat", "/cfg/greeting", "/s/pw"]).stdout == "hellos3cret")
    }

    /// A crash without a reboot (the run root and its stale status, socket and map
    /// elements stay) and two restores at once: the pod comes back exactly once.
    @Test(.needsRoot) func concurrentRestoresAfterACrashStartThePodOnce() throws {
        let harness = try webRunning(Self.web)
        defer { _ = try? harness.run(["delete", "pods", "--all", "--now"]) }
        let address = try harness.status("web")["podIP"] as? String
        try simulateReboot(harness, pods: ["web"], emptyRunRoot: false)
        let outputs = Mutex<[(status: Int32, stdout: String, stderr: String)]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            guard let result = try? harness.run(["restore"]) else { return }
            let output = (result.status, result.stdout, result.stderr)
            outputs.withLock { $0.append(output) }
        }
        let results = outputs.withLock { $0 }
        #expect(results.count == 2 && results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        #expect(results.filter { $0.stdout.contains("started again") }.count == 1, "\(results.map(\.stdout))")
        try harness.waitForRunning("web", containers: ["httpd"])
        #expect(try harness.status("web")["podIP"] as? String == address)
        try waitForHostPort(harness)
        let plan = harness.base + "/lib/pods/default/web/runplan.json"
        let supervisors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }.filter {
            isSupervisor($0) && commandLine($0).contains(plan)
        }
        #expect(supervisors.count == 1, "\(supervisors)")
    }

    /// A harness with the pods of `manifest` applied, once web serves.
    func webRunning(_ manifest: String) throws -> Harness {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(manifest)
        try harness.waitForRunning("web", containers: ["httpd"])
        return harness
    }

    func waitForHostPort(_ harness: Harness) throws {
        try harness.waitFor("the hostPort 18480") {
            try harness.run(["busybox", "wget", "-qO-", "http://127.0.0.1:18480/"], podctl: false).stdout == "served\n"
        }
    }

    /// Kills, by PID, the supervisors of the harness's pods and every process in its
    /// cgroup root (pause, containers), waits until they are gone, and empties the run
    /// root as a reboot empties /run.
    func simulateReboot(_ harness: Harness, pods: [String] = ["web", "job", "once", "sleeper"], emptyRunRoot: Bool = true) throws {
        var pids = try harness.podProcesses()
        for pod in pods {
            if let pid = try harness.status(pod)["supervisorPID"] as? Int, isSupervisor(pid_t(pid)) { pids.append(pid_t(pid)) }
        }
        #expect(pids.count >= 2 * pods.count, "a supervisor and a pause per pod, and the running containers")
        for pid in pids { kill(pid, SIGKILL) }
        try harness.waitFor("every killed process gone") { pids.allSatisfy { !isAlive($0) } }
        guard emptyRunRoot else { return }
        let run = harness.base + "/run"
        // Nothing to unmount: the pods' tmpfs (/dev/shm, memory volumes) are mounted in
        // their own mount namespaces, which died with them.
        let mounts = (try? String(contentsOfFile: "/proc/\(harness.holder)/mountinfo", encoding: .utf8)) ?? ""
        #expect(!mounts.contains(" \(run)/"), "a mount under the run root survived the pods")
        for entry in try FileManager.default.contentsOfDirectory(atPath: run) {
            try FileManager.default.removeItem(atPath: run + "/" + entry)
        }
    }

    func isSupervisor(_ pid: pid_t) -> Bool { commandLine(pid).contains("pod-supervisor") }

    func commandLine(_ pid: pid_t) -> String {
        (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
    }

    /// Alive and not a zombie waiting for init to reap it.
    func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }
}
