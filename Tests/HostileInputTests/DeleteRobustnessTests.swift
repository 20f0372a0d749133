import Foundation
import Glibc
import PodCgroups
import PodTestSupport
import Testing

/// #14 finding 6: a fork-bombed pod's delete must finish within a deadline and leave no
/// cgroup behind; a cgroup an earlier delete had to leave is reclaimed by the next
/// apply or delete.
@Suite(.serialized) struct DeleteRobustnessTests {
    /// A fork bomb held to 64 tasks by the pod's pids limit, so the machine survives. Every
    /// task keeps forking (a bomb that returns when fork fails would unwind by itself).
    static let bomb = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bomb
          annotations: {podctl.io/pids-limit: "64"}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: bomb
            image: localhost/busybox:1
            command: ["sh", "-c", "trap '' TERM; b() { while :; do b & done; }; b"]
        """

    static func cgroupDirectories(_ harness: Harness) -> [String] {
        guard let hierarchy = CgroupHierarchy.detect() else { return [] }
        return hierarchy.mountPoints.flatMap { mount -> [String] in
            let root = mount + harness.cgroupRoot
            let children = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            return children.filter { $0.hasPrefix("pod") }.map { root + "/" + $0 }
        }
    }

    @Test(.needsRoot) func deleteOfAForkBombedPodFinishesAndLeavesNoCgroup() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.bomb)
        try harness.waitForRunning("bomb", containers: ["bomb"])
        try harness.waitFor("the bomb to fill its pids limit") {
            Self.cgroupDirectories(harness).contains { directory in
                directory.contains("/pids/") && ((try? String(contentsOfFile: directory + "/pids.current", encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0) >= 32
            }
        }
        let started = Date()
        let result = try harness.run(["delete", "pod", "bomb", "--grace-period", "1"])
        let took = Date().timeIntervalSince(started)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(took < 30, "delete took \(took) s")
        #expect(Self.cgroupDirectories(harness).isEmpty, "left: \(Self.cgroupDirectories(harness))")
        #expect(try harness.run(["get", "pods"]).stdout.isEmpty)
    }

    /// #15: a damaged run plan is named with its path, and the pod still goes with
    /// nothing left. The supervisor is killed first, so nothing stops the containers but
    /// delete; on the host's network (here the harness's), no network namespace names
    /// them either: only the cgroup kill can, and the cgroups are found through the pause.
    @Test(.needsRoot) func aPodWithADamagedRunPlanIsDeletedWithNothingLeft() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: damaged}
            spec:
              hostNetwork: true
              terminationGracePeriodSeconds: 1
              containers:
              - {name: app, image: localhost/busybox:1, command: ["sleep", "600"]}
              - {name: side, image: localhost/busybox:1, command: ["sh", "-c", "sleep 600 & sleep 600"]}
            """)
        try harness.waitForRunning("damaged", containers: ["app", "side"])
        let processes = try harness.podProcesses()
        #expect(processes.count >= 4, "pause, app, side and its child: \(processes)")
        let supervisors = DamagedStateTests.supervisors(of: harness.base + "/lib/pods/default/damaged/")
        #expect(supervisors.count == 1)
        supervisors.forEach { kill($0, SIGKILL) }
        try harness.waitFor("the supervisor to be gone") { DamagedStateTests.supervisors(of: harness.base + "/lib/pods/default/damaged/").isEmpty }
        let plan = harness.base + "/lib/pods/default/damaged/runplan.json"
        try "{\"namespace\": \"default\", \"cont".write(toFile: plan, atomically: false, encoding: .utf8)

        let delete = try harness.run(["delete", "pod", "damaged"])
        #expect(delete.status == 0, "\(delete.stderr)")
        #expect(delete.stderr.contains("the run plan \(plan) is damaged"), "\(delete.stderr)")
        #expect(try harness.podProcesses().isEmpty)
        #expect(processes.allSatisfy { kill($0, 0) != 0 || !Self.isPodProcess($0) }, "left: \(processes.filter { kill($0, 0) == 0 })")
        #expect(Self.cgroupDirectories(harness).isEmpty, "left: \(Self.cgroupDirectories(harness))")
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/lib/pods/default/damaged"))
    }

    /// #15: the run plan names a container's compiled seccomp program by key; with the
    /// cache's file gone, the container's next start fails naming the file and what to
    /// do, and the pod is still deleted with nothing left.
    @Test(.needsRoot) func aMissingSeccompProgramFailsTheStartByName() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(TestManifests.sleeper("filtered"))
        try harness.waitForRunning("filtered", containers: ["app"])
        let cache = harness.base + "/lib/seccomp-cache"
        let programs = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".bpf") }
        #expect(programs.count == 1)
        let plan = try String(contentsOfFile: harness.base + "/lib/pods/default/filtered/runplan.json", encoding: .utf8)
        #expect(plan.contains(String(programs[0].dropLast(4))), "the run plan names the program by its key")
        for program in programs { try FileManager.default.removeItem(atPath: cache + "/" + program) }
        let pid = try #require(try harness.containerPID("filtered", "app"))
        kill(pid, SIGKILL)
        try harness.waitFor("CreateContainerError naming the program") {
            let json = try harness.run(["get", "pod", "filtered", "-o", "json"]).stdout
            return json.contains("CreateContainerError") && json.contains(cache + "/" + programs[0]) && json.contains("podctl delete")
        }
        let delete = try harness.run(["delete", "pod", "filtered"])
        #expect(delete.status == 0, "\(delete.stderr)")
        #expect(try harness.podProcesses().isEmpty)
        #expect(Self.cgroupDirectories(harness).isEmpty, "left: \(Self.cgroupDirectories(harness))")
    }

    /// A PID of the pod's: a pause or a sleep (a PID reused since is neither).
    static func isPodProcess(_ pid: pid_t) -> Bool {
        let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        return command.hasPrefix("sleep") || command.contains("pod-pause") || command.hasPrefix("sh")
    }

    /// The teardown itself, on a fork bomb with no pid namespace around it (a kill of a
    /// namespace's init cannot help here): only freezing, or cgroup.kill, stops it.
    @Test(.needsRoot, .requires(CgroupHierarchy.detect()?.has("pids") == true, "needs the cgroup pids controller"))
    func teardownEmptiesAndRemovesAForkBombsCgroup() throws {
        let harness = try Harness()
        let hierarchy = try #require(CgroupHierarchy.detect())
        let cgroup = hierarchy.cgroup(harness.cgroupRoot + "/pod00000000-0000-4000-8000-0000000000b0")
        try cgroup.create(CgroupLimits(pidsMax: 64))
        let bomb = Process()
        // Every task forks in a loop and goes on when fork fails (a shell would exit).
        bomb.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        bomb.arguments = ["-c", "import os, sys\nsys.stdin.readline()\nwhile True:\n    try: os.fork()\n    except OSError: pass"]
        let input = Pipe()
        bomb.standardInput = input
        bomb.standardError = FileHandle.nullDevice
        try bomb.run()
        for file in cgroup.procsFiles { try String(bomb.processIdentifier).write(toFile: file, atomically: false, encoding: .utf8) }
        input.fileHandleForWriting.write(Data("go\n".utf8))
        try harness.waitFor("the bomb to fill its pids limit") { cgroup.processes().count >= 48 }

        let started = Date()
        let left = cgroup.teardown(seconds: 15)
        #expect(left.isEmpty, "left: \(left)")
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(!cgroup.exists)
        bomb.waitUntilExit()
    }

    @Test(.needsRoot, .requires(CgroupHierarchy.detect() != nil, "needs a cgroup hierarchy"))
    func aRecordedLeftoverCgroupIsReclaimedByTheNextDelete() throws {
        let harness = try Harness()
        let hierarchy = try #require(CgroupHierarchy.detect())
        // What a delete leaves when a cgroup stays busy past its deadline: the cgroup
        // (here with a process in it) and its record in the state root.
        let path = harness.cgroupRoot + "/pod00000000-0000-4000-8000-0000000000ef"
        let cgroup = hierarchy.cgroup(path)
        try cgroup.create(nil)
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["600"]
        try sleeper.run()
        let stopper = Stopper(sleeper)
        for file in cgroup.procsFiles { try String(sleeper.processIdentifier).write(toFile: file, atomically: false, encoding: .utf8) }
        let records = harness.base + "/lib/leftovers/cgroups"
        try FileManager.default.createDirectory(atPath: records, withIntermediateDirectories: true)
        try (path + "\n").write(toFile: records + "/pod00000000-0000-4000-8000-0000000000ef", atomically: true, encoding: .utf8)

        let result = try harness.run(["delete", "pod", "no-such-pod", "--ignore-not-found"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!cgroup.exists, "the leftover cgroup was reclaimed")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: records)) ?? []).isEmpty, "its record went with it")
        _ = stopper
    }
}
