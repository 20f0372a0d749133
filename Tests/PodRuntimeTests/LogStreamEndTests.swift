import PodPlan
import Testing

/// When `logs -f` ends a stream (ContainerStatusRecord.hasEnded): the record the follower
/// reads can lag the log file it follows, and a lag is never an end.
struct LogStreamEndTests {
    func record(_ state: ContainerStatusRecord.State, restarts: Int = 0, pid: Int32? = nil) -> ContainerStatusRecord {
        var record = ContainerStatusRecord(name: "c", image: "i", imageID: "")
        record.state = state
        record.restartCount = restarts
        record.pid = pid
        return record
    }

    @Test func aContainerLaunchedButNotYetReportedHasNotEnded() {
        #expect(!record(.waiting(reason: "ContainerCreating", message: nil)).hasEnded(instance: 0))
        #expect(!record(.waiting(reason: "PodInitializing", message: nil)).hasEnded(instance: 0))
        #expect(!record(.waiting(reason: "ContainerCreating", message: nil), pid: 42).hasEnded(instance: 0))
    }

    @Test func aRecordStillDescribingTheInstanceBeforeHasNotEnded() {
        let exited = record(.terminated(exitCode: 1, signal: nil, reason: "Error", message: nil, startedAt: nil, finishedAt: "t"), restarts: 2)
        #expect(!exited.hasEnded(instance: 3))
        #expect(exited.hasEnded(instance: 2))
        #expect(exited.hasEnded(instance: 1), "a newer instance ends an older one's stream")
    }

    @Test func runningEndsOnlyWithoutAPid() {
        #expect(!record(.running(startedAt: "t"), pid: 7).hasEnded(instance: 0))
        #expect(record(.running(startedAt: "t")).hasEnded(instance: 0))
    }

    @Test func aFailedStartOrBackOffEndsTheStream() {
        #expect(record(.waiting(reason: "CreateContainerError", message: "m")).hasEnded(instance: 0))
        #expect(record(.waiting(reason: "CrashLoopBackOff", message: "m"), restarts: 1).hasEnded(instance: 1))
        #expect(record(.waiting(reason: "PostStartHookError", message: "m")).hasEnded(instance: 0))
    }
}
