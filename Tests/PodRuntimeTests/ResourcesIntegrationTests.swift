import Foundation
import Glibc
import PodCgroups
import PodTestSupport
import Testing

/// Limits through the real binaries, checked in the kernel's files: on this machine's
/// cgroup v1, and on a real v2 kernel by deploy/cgroup2-guest.sh, which runs this suite.
@Suite(.serialized) struct ResourcesIntegrationTests {
    static func manifest(_ name: String, command: String, resources: String, restartPolicy: String = "Always", annotations: String = "{}") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), annotations: \(annotations)}
        spec:
          terminationGracePeriodSeconds: 2
          restartPolicy: \(restartPolicy)
          containers:
          - name: main
            image: localhost/busybox:1
            command: ["sh", "-c", \(String(reflecting: command))]
            resources: \(resources)
        """
    }

    static func hierarchy() throws -> CgroupHierarchy {
        try #require(CgroupHierarchy.detect(), "a cgroup hierarchy with the memory, cpu or pids controller")
    }

    /// The one pod cgroup under the harness's root.
    static func podCgroup(_ harness: Harness, _ hierarchy: CgroupHierarchy) throws -> Cgroup {
        let root = hierarchy.cgroup(harness.cgroupRoot)
        let mount = try #require(hierarchy.mounts["memory"] ?? hierarchy.mountPoints.first)
        let pods = try FileManager.default.contentsOfDirectory(atPath: mount + root.path).filter { $0.hasPrefix("pod") }
        try #require(pods.count == 1, "one pod cgroup under \(root.path): \(pods)")
        return root.child(pods[0])
    }

    static func read(_ cgroup: Cgroup, _ controller: String, _ file: String) throws -> String {
        let directory = try #require(cgroup.directory(controller))
        return try String(contentsOfFile: directory + "/" + file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Delete leaves no cgroup of the pod behind, in any hierarchy.
    static func deleteAndCheckGone(_ harness: Harness, _ pod: String, _ cgroup: Cgroup) throws {
        #expect(try harness.run(["delete", "pod", pod]).status == 0)
        for directory in cgroup.directories { #expect(!FileManager.default.fileExists(atPath: directory), "\(directory) removed") }
    }

    @Test(.needsRoot) func limitsLandInTheFilesAndProcessesInTheirCgroups() throws {
        let hierarchy = try Self.hierarchy()
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.manifest("limits", command: "sleep 3600", resources: "{limits: {cpu: 500m, memory: 64Mi}, requests: {cpu: 250m}}", annotations: "{podctl.io/pids-limit: \"300\"}"))
        try harness.waitForRunning("limits", containers: ["main"])
        let pod = try Self.podCgroup(harness, hierarchy)
        let container = pod.child("ctr_main")
        switch hierarchy.version {
        case .v1:
            #expect(try Self.read(container, "memory", "memory.limit_in_bytes") == "67108864")
            #expect(try Self.read(container, "cpu", "cpu.cfs_quota_us") == "50000")
            #expect(try Self.read(container, "cpu", "cpu.cfs_period_us") == "100000")
            #expect(try Self.read(container, "cpu", "cpu.shares") == "256")
            #expect(try Self.read(pod, "memory", "memory.limit_in_bytes") == "67108864")
            #expect(try Self.read(pod, "cpu", "cpu.cfs_quota_us") == "50000")
        case .v2:
            #expect(try Self.read(container, "memory", "memory.max") == "67108864")
            #expect(try Self.read(container, "memory", "memory.swap.max") == "0")
            #expect(try Self.read(container, "cpu", "cpu.max") == "50000 100000")
            #expect(try Self.read(container, "cpu", "cpu.weight") == "10")
            #expect(try Self.read(pod, "memory", "memory.max") == "67108864")
        }
        #expect(try Self.read(pod, "pids", "pids.max") == "300")
        let object = try JSONSerialization.jsonObject(with: Data(try harness.run(["get", "pod", "limits", "-o", "json"]).stdout.utf8)) as? [String: Any]
        #expect((object?["status"] as? [String: Any])?["qosClass"] as? String == "Burstable")
        let pid = try #require(try harness.containerPID("limits", "main"))
        // Burstable: the kubelet's score from the memory request (the limit, by defaulting).
        let memTotal = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
        let capacity = (Int64(memTotal?.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
        let expectedScore = max(3, min(999, 1000 - 1000 * 67_108_864 / max(capacity, 1)))
        #expect(try String(contentsOfFile: "/proc/\(pid)/oom_score_adj", encoding: .utf8) == "\(expectedScore)\n")
        let members = try Self.read(container, "memory", "cgroup.procs").split(separator: "\n")
        #expect(members.contains(Substring(String(pid))), "the container's init is in its cgroup")
        let pause = try harness.status("limits")["pausePID"] as? Int ?? 0
        #expect(try Self.read(pod.child("sandbox"), "memory", "cgroup.procs").split(separator: "\n").contains(Substring(String(pause))))
        // The container's own cgroup namespace: it sees its cgroup as "/". An exec'd
        // command joins the same namespace, and it would see "/.." were it not in the cgroup.
        for line in try harness.run(["exec", "limits", "--", "cat", "/proc/self/cgroup"]).stdout.split(separator: "\n") {
            let controllers = line.split(separator: ":", omittingEmptySubsequences: false)
            guard controllers.count == 3, controllers[1].isEmpty || controllers[1].contains("memory") || controllers[1].contains("pids") else { continue }
            #expect(controllers[2] == "/", "exec'd process in the container's cgroup: \(line)")
        }
        try Self.deleteAndCheckGone(harness, "limits", pod)
    }

    @Test(.needsRoot) func aContainerPastItsMemoryLimitIsOOMKilledAndRestarted() throws {
        let hierarchy = try Self.hierarchy()
        let harness = try Harness()
        try harness.loadBusybox()
        // dd's 128 MiB buffer is filled from /dev/zero: past the 32 MiB limit.
        try harness.apply(Self.manifest("oom", command: "dd if=/dev/zero of=/dev/null bs=128M count=1", resources: "{limits: {memory: 32Mi}}", restartPolicy: "OnFailure"))
        try harness.waitFor("an OOMKilled exit and a restart", seconds: 60) {
            let json = try harness.run(["get", "pod", "oom", "-o", "json"]).stdout
            let pod = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let statuses = (pod?["status"] as? [String: Any])?["containerStatuses"] as? [[String: Any]]
            let last = (statuses?.first?["lastState"] as? [String: Any])?["terminated"] as? [String: Any]
            return last?["reason"] as? String == "OOMKilled" && (statuses?.first?["restartCount"] as? Int ?? 0) >= 1
        }
        let describe = try harness.run(["describe", "pod", "oom"]).stdout
        #expect(describe.contains("OOMKilled"), "describe shows the OOM kill: \(describe)")
        try Self.deleteAndCheckGone(harness, "oom", try Self.podCgroup(harness, hierarchy))
    }

    @Test(.needsRoot) func aForkBombStopsAtThePodsPidsLimit() throws {
        let hierarchy = try Self.hierarchy()
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.manifest("bomb", command: "bomb() { bomb | bomb & }; bomb; sleep 3600", resources: "{limits: {cpu: 200m}}", annotations: "{podctl.io/pids-limit: \"40\"}"))
        let pod = try Self.podCgroup(harness, hierarchy)
        // The kernel counts a refused fork in pids.events of the cgroup the fork came from
        // (the container's) on older kernels, of the one at its limit on newer ones.
        try harness.waitFor("the pids limit to refuse a fork", seconds: 60) {
            try [pod, pod.child("ctr_main")].contains { cgroup in
                try Self.read(cgroup, "pids", "pids.events").split(separator: "\n").contains { $0.hasPrefix("max ") && $0 != "max 0" }
            }
        }
        #expect(Int(try Self.read(pod, "pids", "pids.current")) ?? 99 <= 40)
        // The host is unharmed: it still starts processes.
        #expect(try harness.run(["true"], podctl: false).status == 0)
        // With the supervisor killed, delete alone must stop the bomb (freezer or
        // cgroup.kill) and remove every cgroup.
        let supervisor = try #require(try harness.status("bomb")["supervisorPID"] as? Int)
        kill(pid_t(supervisor), SIGKILL)
        try Self.deleteAndCheckGone(harness, "bomb", pod)
    }

    @Test(.needsRoot) func halfACPULimitGivesAboutHalfACore() throws {
        let hierarchy = try Self.hierarchy()
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.manifest("spin", command: "while :; do :; done", resources: "{limits: {cpu: 500m}}"))
        try harness.waitForRunning("spin", containers: ["main"])
        // top samples the container's CPU time over 3 s: the quota is 50 ms per 100 ms.
        let top = try harness.run(["top", "pod", "spin", "--containers", "--interval", "3"])
        #expect(top.status == 0, "\(top.stderr)")
        let lines = top.stdout.split(separator: "\n")
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"])
        let cells = lines.dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true) ?? []
        let millicores = Int(cells.count > 2 ? cells[2].dropLast() : "") ?? -1
        print("cpu limit 500m: the container used \(millicores)m over 3 s (\(hierarchy.version))")
        // The cap is the point; the floor only says it ran (other tests share the cores).
        #expect((200...650).contains(millicores), "about half a core: \(top.stdout)")
        #expect(cells.last?.hasSuffix("Mi") == true)
        let pods = try harness.run(["top", "pod"])
        #expect(pods.stdout.contains("spin"))
        try Self.deleteAndCheckGone(harness, "spin", try Self.podCgroup(harness, hierarchy))
    }
}
