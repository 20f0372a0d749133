import Foundation
import Glibc
import PodCore
import PodLaunch
import PodOS
import PodTestSupport
import Testing

/// The exec plan (PodLaunch's ExecPlan, D59): what `podctl exec` reads instead of the
/// run plan. A damaged or tampered file is refused naming its path; a recorded PID whose
/// process has exited, or now belongs to another process, is never entered.
@Suite struct ExecPlanCodecTests {
    static func sample() -> ExecPlan {
        var launch = ExecLaunch()
        launch.targetPID = 4242
        launch.process.env = ["PATH=/bin", "X=\0uid=0"]
        launch.placement.cgroupProcs = ["/sys/fs/cgroup/pids/podctl/pod1/ctr_app/cgroup.procs"]
        return ExecPlan(container: "app", targetPID: 4242, targetStartTime: 987_654, helperPath: "/usr/local/libexec/podctl/pod-helper", launch: launch)
    }

    @Test func roundTripsAndEveryCutIsRefused() throws {
        let bytes = Self.sample().encoded()
        #expect(try ExecPlan.decode(bytes) == Self.sample())
        for cut in 0..<bytes.count {
            #expect(throws: PodError.self) { try ExecPlan.decode(Array(bytes[0..<cut])) }
        }
        #expect(throws: PodError.self) { try ExecPlan.decode(bytes + [0]) }
        #expect(throws: PodError.self) { try ExecPlan.decode(LaunchPlan.exec(Self.sample().launch).encoded()) }
    }

    @Test func aRelativeHelperOrAPlanOfAnotherModeOrProcessIsRefused() {
        var relative = Self.sample()
        relative.helperPath = "pod-helper"
        #expect(throws: PodError.self) { try ExecPlan.decode(relative.encoded()) }
        // A launch plan of another mode, framed as the supervisor frames an exec plan's.
        let container = WireWriter.message(.execPlan) { out in
            out.string(1, "app")
            out.int32(2, 4242)
            out.uint64(3, 987_654)
            out.string(4, "/usr/local/libexec/podctl/pod-helper")
            out.bytes(5, LaunchPlan.container(ContainerLaunch()).encoded())
        }
        #expect(throws: PodError.self) { try ExecPlan.decode(container) }
        var other = Self.sample()
        other.launch.targetPID = 1
        #expect(throws: PodError.self) { try ExecPlan.decode(other.encoded()) }
        var none = Self.sample()
        none.targetPID = 0
        none.launch.targetPID = 0
        #expect(throws: PodError.self) { try ExecPlan.decode(none.encoded()) }
    }

    /// The command name of /proc/PID/stat is the process's to choose: `) 1 2 3` in it
    /// must not shift the fields.
    @Test func theStartTimeIsReadAfterTheLastParenthesis() {
        let tail = " S 1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 18446744073709551615\n"
        #expect(ProcessIdentity.startTime(inStat: Array("77 (sh) 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21)\(tail)".utf8)) == 123456)
        #expect(ProcessIdentity.startTime(inStat: Array("77 (sh)\(tail)".utf8)) == 123456)
        #expect(ProcessIdentity.startTime(inStat: Array("77 (sh) S 1".utf8)) == nil)
        #expect(ProcessIdentity.startTime(inStat: Array("garbage".utf8)) == nil)
        #expect(ProcessIdentity.of(getpid())?.startTime != nil)
    }

    @Test func aPinnedProcessWithAnotherStartTimeIsRefused() throws {
        let me = try #require(ProcessIdentity.of(getpid()))
        _ = try me.pin()
        #expect(throws: PodError.self) { try ProcessIdentity(pid: me.pid, startTime: me.startTime + 1).pin() }
    }
}

@Suite(.serialized) struct ExecPlanIntegrationTests {
    func planPath(_ harness: Harness, _ pod: String, _ container: String) -> String {
        "\(harness.base)/run/pods/default/\(pod)/exec/\(container)"
    }

    /// Both ways in (the lean podctl with -c, the full CLI without) refuse a damaged
    /// plan with its path; the pod can still be deleted.
    @Test(.needsRoot) func aDamagedExecPlanIsRefusedNamingItsPath() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(TestManifests.sleeper("damaged-exec"))
        try harness.waitForRunning("damaged-exec", containers: ["app"])
        let path = planPath(harness, "damaged-exec", "app")
        try harness.waitFor("the exec plan") { FileManager.default.fileExists(atPath: path) }
        #expect(try harness.run(["exec", "damaged-exec", "-c", "app", "--", "true"]).status == 0)
        for damage in [Array("EXC1garbage".utf8), [], Array(try Data(contentsOf: URL(fileURLWithPath: path))).dropLast(3)] {
            try Data(damage).write(to: URL(fileURLWithPath: path))
            for arguments in [["exec", "damaged-exec", "-c", "app", "--", "true"], ["exec", "damaged-exec", "--", "true"]] {
                let result = try harness.run(arguments)
                #expect(result.status == 2, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains(path), "\(result.stderr)")
            }
        }
        #expect(try harness.run(["delete", "pod", "damaged-exec", "--now"]).status == 0)
    }

    /// A plan whose recorded start time is not the process's (what a PID reused since
    /// looks like) is not entered: the command does not run.
    @Test(.needsRoot) func aReusedPIDIsNotEntered() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(TestManifests.sleeper("reused-pid"))
        try harness.waitForRunning("reused-pid", containers: ["app"])
        let path = planPath(harness, "reused-pid", "app")
        try harness.waitFor("the exec plan") { FileManager.default.fileExists(atPath: path) }
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        var plan = try ExecPlan.decode(original)
        plan.targetStartTime += 1
        try AtomicFile.write(plan.encoded(), to: path)
        let marker = "/tmp/entered-\(getpid())"
        for arguments in [["exec", "reused-pid", "-c", "app", "--", "touch", marker], ["exec", "reused-pid", "--", "touch", marker]] {
            let result = try harness.run(arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("not running") && result.stderr.contains("another process"), "\(result.stderr)")
        }
        // The container's own plan again: exec works, and finds no trace of the refused ones.
        try AtomicFile.write(original, to: path)
        #expect(try harness.run(["exec", "reused-pid", "-c", "app", "--", "true"]).status == 0)
        #expect(try harness.run(["exec", "reused-pid", "-c", "app", "--", "ls", marker]).status != 0, "a refused command ran in the container")
        #expect(try harness.run(["delete", "pod", "reused-pid", "--now"]).status == 0)
    }
}
