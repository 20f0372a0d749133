import Testing
@testable import PodRuntime
@testable import PodSupervisor

/// How a pod ends on its own (PodLifecycle+Completion.swift), with a fake clock: once
/// every regular container has terminated for good the sidecars are stopped in reverse
/// order and the sandbox goes (KEP-753); past activeDeadlineSeconds it is Failed,
/// DeadlineExceeded. No processes, no root.
@Suite struct CompletionMachineTests {
    /// pods/job.yaml's shape: an init container, sidecars, one regular container, all run.
    func job(sidecars: Int, mode: RestartMode, deadline: Double? = nil) -> FakePod {
        let roles = [("fetch", ContainerRole.initContainer)] + (0..<sidecars).map { ("shipper-\($0)", ContainerRole.sidecar) } + [("sum", .regular)]
        var fake = FakePod(roles, mode: mode)
        fake.pod = PodLifecycle(containers: roles.map { ContainerLifecycle(name: $0.0, role: $0.1) }, mode: mode, terminationGrace: 30, activeDeadlineSeconds: deadline)
        _ = fake.send(.podStarted)
        _ = fake.send(.sandboxReady)
        _ = fake.crash(0, after: 1, code: 0)
        for index in 1..<(1 + sidecars) {
            fake.run(index)
            _ = fake.send(.startupSucceeded(index))
        }
        fake.run(1 + sidecars)
        return fake
    }

    @Test func aSucceededJobStopsItsSidecarWithItsPreStopThenTheSandbox() {
        var fake = job(sidecars: 1, mode: .policy(.onFailure))
        fake.wait(3)
        let actions = fake.send(.exited(2, exitCode: 0, oomKilled: false))
        #expect(actions == [.stayDown(2, fake.pod.containers[2].lastTermination!), .stop(.stop([1], grace: 30))])
        #expect(fake.pod.phase == .succeeded && fake.pod.stopping)
        // The executor runs the sidecar's stop as for a pod stop: preStop, then the signal.
        #expect(fake.send(.stopRequestedForContainer(1, grace: 30, hasPreStop: true)) == [.runPreStop(1, timeout: 30)])
        #expect(!fake.pod.containers[1].ready)
        #expect(fake.send(.preStopFinished(1)) == [.sendStopSignal(1)])
        // A sidecar killed at completion does not fail the pod, nor restart.
        #expect(fake.send(.exited(1, exitCode: 143, oomKilled: false)) == [.stop(.killSandbox)])
        _ = fake.send(.sandboxExited)
        #expect(fake.pod.stopFinished && fake.pod.phase == .succeeded && fake.pod.reason == nil)
        #expect(fake.pod.containers.allSatisfy { if case .terminated = $0.state { true } else { false } })
        #expect(fake.pod.nextDeadline == nil)
    }

    @Test func twoSidecarsStopInReverseOrderUnderNever() {
        var fake = job(sidecars: 2, mode: .policy(.never))
        #expect(fake.send(.exited(3, exitCode: 0, oomKilled: false)).last == .stop(.stop([2], grace: 30)))
        #expect(fake.send(.exited(2, exitCode: 143, oomKilled: false)) == [.stop(.stop([1], grace: 30))])
        #expect(fake.send(.exited(1, exitCode: 143, oomKilled: false)) == [.stop(.killSandbox)])
    }

    @Test func aFailedRegularContainerUnderNeverFailsThePodAndStopsTheSidecars() {
        var fake = job(sidecars: 2, mode: .policy(.never))
        #expect(fake.send(.exited(3, exitCode: 1, oomKilled: false)).last == .stop(.stop([2], grace: 30)))
        #expect(fake.pod.phase == .failed)
        _ = fake.send(.exited(2, exitCode: 0, oomKilled: false))
        _ = fake.send(.exited(1, exitCode: 137, oomKilled: false))
        _ = fake.send(.sandboxExited)
        #expect(fake.pod.stopFinished && fake.pod.phase == .failed)
    }

    @Test func nothingCompletesWhileARegularContainerWillRestart() {
        var onFailure = job(sidecars: 1, mode: .policy(.onFailure))
        #expect(onFailure.send(.exited(2, exitCode: 1, oomKilled: false)) == [.restartScheduled(2, delay: 0)])
        #expect(!onFailure.pod.stopping && onFailure.pod.phase == .running)
        var always = job(sidecars: 1, mode: .policy(.always))
        #expect(always.send(.exited(2, exitCode: 0, oomKilled: false)) == [.restartScheduled(2, delay: 0)])
        #expect(!always.pod.stopping && always.pod.phase == .running)
    }

    @Test func theKubeletDecidesUnderCRI() {
        var fake = job(sidecars: 1, mode: .never)
        #expect(fake.send(.exited(2, exitCode: 0, oomKilled: false)) == [.stayDown(2, fake.pod.containers[2].lastTermination!)])
        #expect(!fake.pod.stopping)
    }

    @Test func aFailedInitContainerUnderNeverStopsTheSidecarBeforeIt() {
        var fake = FakePod([("proxy", .sidecar), ("migrate", .initContainer), ("web", .regular)], mode: .policy(.never))
        _ = fake.send(.sandboxReady)
        fake.run(0)
        _ = fake.send(.startupSucceeded(0))
        #expect(fake.crash(1, after: 1, code: 2).last == .stop(.stop([0], grace: 30)))
        #expect(fake.pod.phase == .failed)
    }

    @Test func pastTheActiveDeadlineThePodIsFailedAndEveryContainerStops() {
        var fake = job(sidecars: 1, mode: .policy(.always), deadline: 5)
        #expect(fake.pod.nextDeadline == fake.now.monotonic + 4)
        fake.wait(3.9)
        #expect(fake.send(.timerFired) == [])
        fake.wait(0.1)
        #expect(fake.send(.timerFired) == [.stop(.stop([2], grace: 30))])
        #expect(fake.pod.phase == .failed && fake.pod.reason == "DeadlineExceeded")
        #expect(fake.pod.message == "Pod was active on the node longer than the specified deadline")
        #expect(fake.send(.exited(2, exitCode: 143, oomKilled: false)) == [.stop(.stop([1], grace: 30))])
        #expect(fake.send(.exited(1, exitCode: 143, oomKilled: false)) == [.stop(.killSandbox)])
        _ = fake.send(.sandboxExited)
        #expect(fake.pod.stopFinished && fake.pod.phase == .failed)
    }

    @Test func theDeadlineCountsFromThePodsStartAndStopsBackoff() {
        var fake = job(sidecars: 0, mode: .policy(.always), deadline: 20)
        _ = fake.send(.exited(1, exitCode: 1, oomKilled: false))
        _ = fake.fireTimerWhenDue()
        _ = fake.crash(1, after: 1, code: 1)
        // In back-off (10 s) past the deadline: the pod ends, nothing restarts.
        fake.wait(30)
        #expect(fake.send(.timerFired) == [.stop(.killSandbox)])
        #expect(fake.pod.reason == "DeadlineExceeded")
    }

    @Test func aPodThatCompletedIsNotFailedByItsDeadline() {
        var fake = job(sidecars: 0, mode: .policy(.never), deadline: 5)
        #expect(fake.send(.exited(1, exitCode: 0, oomKilled: false)).last == .stop(.killSandbox))
        fake.wait(10)
        _ = fake.send(.timerFired)
        #expect(fake.pod.phase == .succeeded && fake.pod.reason == nil)
    }
}
