import Testing
@testable import PodRuntime
@testable import PodSupervisor

/// Which pods come back after a reboot (RestoreRules), without root: the kubelet's
/// behaviour after a node reboot, per restart policy and last phase.
@Suite struct RestoreRulesTests {
    static let now = "2026-12-02T15:00:00Z"

    static func record(_ phase: String, _ state: ContainerStatusRecord.State, restarts: Int = 0) -> PodStatusRecord {
        var record = PodStatusRecord()
        record.phase = phase
        record.supervisorPID = 4242
        record.pausePID = 4243
        record.sandboxReady = true
        var container = ContainerStatusRecord(name: "app", image: "busybox", imageID: "sha256:1")
        container.state = state
        container.restartCount = restarts
        container.pid = 4244
        record.containers = [container]
        return record
    }

    static let running = ContainerStatusRecord.State.running(startedAt: "2026-12-02T14:00:00Z")
    static func exited(_ code: Int32) -> ContainerStatusRecord.State {
        .terminated(exitCode: code, signal: nil, reason: code == 0 ? "Completed" : "Error", message: nil, startedAt: nil, finishedAt: "2026-12-02T14:01:00Z")
    }

    func decide(_ policy: String, _ record: PodStatusRecord?) -> RestoreDecision {
        RestoreRules.decide(restartPolicy: policy, record: record, now: Self.now)
    }

    func starts(_ decision: RestoreDecision) -> Bool {
        if case .start = decision { return true }
        return false
    }

    @Test func alwaysComesBackWhateverItsPhase() {
        for phase in ["Running", "Succeeded", "Failed", "Pending"] {
            #expect(starts(decide("Always", Self.record(phase, phase == "Running" ? Self.running : Self.exited(0)))))
        }
    }

    @Test func onFailureComesBackUnlessItSucceeded() {
        #expect(!starts(decide("OnFailure", Self.record("Succeeded", Self.exited(0)))))
        #expect(starts(decide("OnFailure", Self.record("Failed", Self.exited(1)))))
        #expect(starts(decide("OnFailure", Self.record("Running", Self.running))))
    }

    @Test func aPodThatCompletedStaysDownWhateverItsPolicy() {
        var late = Self.record("Failed", Self.exited(137))
        late.reason = "DeadlineExceeded"
        late.completed = true
        guard case let .stayFinished(done) = decide("Always", late) else { Issue.record("a pod past its deadline came back"); return }
        #expect(done.phase == "Failed" && done.reason == "DeadlineExceeded" && done.stopped)
        var job = Self.record("Succeeded", Self.exited(0))
        job.completed = true
        #expect(!starts(decide("OnFailure", job)))
    }

    @Test func neverStaysDownOnceAContainerRanAndARunningOneIsLost() throws {
        guard case let .stayFinished(done) = decide("Never", Self.record("Succeeded", Self.exited(0))) else { Issue.record("a finished Never pod came back"); return }
        #expect(done.phase == "Succeeded" && done.stopped && done.supervisorPID == 0 && done.containers[0].pid == nil)
        guard case let .stayFinished(lost) = decide("Never", Self.record("Running", Self.running)) else { Issue.record("a running Never pod came back"); return }
        #expect(lost.phase == "Failed")
        guard case let .terminated(code, _, reason, _, startedAt, _) = lost.containers[0].state else { Issue.record("not terminated"); return }
        #expect(code == 255 && reason == "Unknown" && startedAt == "2026-12-02T14:00:00Z")
        #expect(lost.events.last?.reason == "SandboxLost")
    }

    @Test func aPodWithNothingStartedYetIsStartedWhateverItsPolicy() {
        #expect(starts(decide("Never", nil)))
        #expect(starts(decide("Never", Self.record("Pending", .waiting(reason: "ContainerCreating", message: nil)))))
        #expect(starts(decide("OnFailure", nil)))
    }

    @Test func aNeverPodWithLogsButNoStatusIsNotRerun() {
        guard case let .stayFinished(status) = RestoreRules.decide(restartPolicy: "Never", record: nil, logsExist: true, now: Self.now) else {
            Issue.record("a Never pod that had run came back"); return
        }
        #expect(status.phase == "Failed" && status.stopped && status.message?.contains("no status") == true)
        #expect(starts(RestoreRules.decide(restartPolicy: "OnFailure", record: nil, logsExist: true, now: Self.now)))
    }

    @Test func aRestartedPodContinuesRestartCountsAndShowsTheLostInstance() throws {
        guard case let .start(carried) = decide("Always", Self.record("Running", Self.running, restarts: 2)) else { Issue.record("did not start"); return }
        let app = try #require(carried.containers["app"])
        #expect(app.restartCount == 3)
        guard case let .terminated(code, _, reason, _, _, _) = app.lastState else { Issue.record("no lost instance"); return }
        #expect(code == 255 && reason == "Unknown")
        #expect(carried.events.last?.reason == "SandboxChanged")
    }

    @Test func aContainerThatNeverStartedKeepsItsCount() throws {
        var record = Self.record("Running", Self.running)
        record.containers.append(ContainerStatusRecord(name: "late", image: "busybox", imageID: "sha256:1"))
        guard case let .start(carried) = decide("Always", record) else { Issue.record("did not start"); return }
        #expect(carried.containers["late"]?.restartCount == 0 && carried.containers["late"]?.lastState == nil)
    }

    @Test func theDurableFingerprintIgnoresProbeNoiseButNotExits() {
        var record = Self.record("Running", Self.running)
        let before = DurableStatus.fingerprint(record)
        record.containers[0].ready = false
        record.record(.normal, "Unhealthy", "probe")
        #expect(DurableStatus.fingerprint(record) == before)
        record.containers[0].state = Self.exited(1)
        #expect(DurableStatus.fingerprint(record) != before)
    }
}
