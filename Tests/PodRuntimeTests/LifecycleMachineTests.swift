import Testing
@testable import PodRuntime
@testable import PodSupervisor

/// The PodLifecycle driven by hand with a fake clock: no processes, no root.
struct FakePod {
    var pod: PodLifecycle
    var now = LifecycleTime(monotonic: 1000, wall: 1_700_000_000)

    init(_ roles: [(String, ContainerRole)], mode: RestartMode) {
        pod = PodLifecycle(containers: roles.map { ContainerLifecycle(name: $0.0, role: $0.1) }, mode: mode)
    }

    mutating func send(_ event: PodLifecycle.Event) -> [PodLifecycle.Action] {
        pod.handle(event, now: now)
    }

    mutating func wait(_ seconds: Double) {
        now.monotonic += seconds
        now.wall += Int64(seconds)
    }

    /// Launches and reports started, as the Supervisor does for a `.start` action.
    mutating func run(_ index: Int) {
        _ = send(.launching(index))
        _ = send(.started(index, hasPostStart: false))
    }

    /// Runs `index` for `seconds`, then it exits with `code`.
    mutating func crash(_ index: Int, after seconds: Double, code: Int32, oomKilled: Bool = false) -> [PodLifecycle.Action] {
        run(index)
        wait(seconds)
        return send(.exited(index, exitCode: code, oomKilled: oomKilled))
    }

    mutating func fireTimerWhenDue() -> [PodLifecycle.Action] {
        if let due = pod.nextDeadline, due > now.monotonic { wait(due - now.monotonic) }
        return send(.timerFired)
    }
}

@Suite struct RestartPolicyMachineTests {
    /// Whether each exit restarts: (policy, exit code) for a regular, an init container and a sidecar.
    static let exits: [Int32] = [0, 1, 137]

    func restarts(_ role: ContainerRole, _ policy: RestartPolicy, _ code: Int32) -> Bool {
        var fake = FakePod([("c", role)] + (role == .regular ? [] : [("app", .regular)]), mode: .policy(policy))
        _ = fake.send(.sandboxReady)
        let actions = fake.crash(0, after: 5, code: code, oomKilled: code == 137)
        if case .restartScheduled(0, _)? = actions.first { return true }
        return false
    }

    @Test func regularContainersFollowThePolicy() {
        let table = RestartPolicyMachineTests.exits.map { code in [RestartPolicy.always, .onFailure, .never].map { restarts(.regular, $0, code) } }
        #expect(table == [[true, false, false], [true, true, false], [true, true, false]])
    }

    @Test func initContainersRestartOnFailureUnlessNever() {
        let table = RestartPolicyMachineTests.exits.map { code in [RestartPolicy.always, .onFailure, .never].map { restarts(.initContainer, $0, code) } }
        #expect(table == [[false, false, false], [true, true, false], [true, true, false]])
    }

    @Test func sidecarsAlwaysRestart() {
        let table = RestartPolicyMachineTests.exits.map { code in [RestartPolicy.always, .onFailure, .never].map { restarts(.sidecar, $0, code) } }
        #expect(table == [[true, true, true], [true, true, true], [true, true, true]])
    }

    @Test func reasonsAreCompletedErrorAndOOMKilled() {
        var fake = FakePod([("a", .regular), ("b", .regular), ("c", .regular)], mode: .policy(.never))
        _ = fake.send(.sandboxReady)
        _ = fake.crash(0, after: 1, code: 0)
        _ = fake.crash(1, after: 1, code: 1)
        _ = fake.crash(2, after: 1, code: 137, oomKilled: true)
        #expect(fake.pod.containers.map { $0.lastTermination?.reason } == ["Completed", "Error", "OOMKilled"])
        #expect(fake.pod.containers[2].lastTermination?.signal == 9)
        #expect(fake.pod.phase == .failed)
    }

    @Test func aStartErrorCountsAsAFailure() {
        var fake = FakePod([("a", .regular)], mode: .policy(.onFailure))
        _ = fake.send(.sandboxReady)
        _ = fake.send(.launching(0))
        #expect(fake.send(.startFailed(0, exitCode: 128, reason: "StartError")) == [.restartScheduled(0, delay: 0)])
        #expect(fake.pod.containers[0].lastTermination?.reason == "StartError")
        #expect(fake.pod.containers[0].lastTermination?.startedAt == nil)
    }
}

@Suite struct BackoffMachineTests {
    @Test func delaysDoubleFromTenToThreeHundred() {
        var fake = FakePod([("a", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        var delays: [Double] = []
        for _ in 0..<8 {
            guard case let .restartScheduled(0, delay)? = fake.crash(0, after: 1, code: 1).first else { Issue.record("no restart"); return }
            delays.append(delay)
            #expect(fake.fireTimerWhenDue() == [.start([0])])
        }
        #expect(delays == [0, 10, 20, 40, 80, 160, 300, 300])
        #expect(fake.pod.containers[0].restartCount == 7)
    }

    @Test func noRestartBeforeTheDeadline() {
        var fake = FakePod([("a", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        _ = fake.crash(0, after: 1, code: 1)
        _ = fake.fireTimerWhenDue()
        _ = fake.crash(0, after: 1, code: 1)
        #expect(fake.pod.nextDeadline == fake.now.monotonic + 10)
        fake.wait(9.5)
        #expect(fake.send(.timerFired) == [])
        fake.wait(0.5)
        #expect(fake.send(.timerFired) == [.start([0])])
    }

    @Test func tenMinutesOfRunningResetsTheBackoff() {
        var fake = FakePod([("a", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        _ = fake.crash(0, after: 1, code: 1)
        _ = fake.fireTimerWhenDue()
        #expect(fake.crash(0, after: 1, code: 1) == [.restartScheduled(0, delay: 10)])
        _ = fake.fireTimerWhenDue()
        #expect(fake.crash(0, after: 600, code: 1) == [.restartScheduled(0, delay: 0)])
        _ = fake.fireTimerWhenDue()
        #expect(fake.crash(0, after: 1, code: 1) == [.restartScheduled(0, delay: 10)])
    }

    @Test func aNewSpecRestartsAtOnceWithAFreshBackoff() {
        var fake = FakePod([("a", .regular)], mode: .policy(.never))
        _ = fake.send(.sandboxReady)
        fake.run(0)
        _ = fake.send(.replaced(0))
        #expect(fake.send(.exited(0, exitCode: 143, oomKilled: false)) == [.restartScheduled(0, delay: 0)])
        #expect(fake.send(.timerFired) == [.start([0])])
    }
}

@Suite struct OrderingMachineTests {
    let roles: [(String, ContainerRole)] = [("setup", .initContainer), ("proxy", .sidecar), ("migrate", .initContainer), ("web", .regular), ("worker", .regular)]

    @Test func initContainersInOrderSidecarsStartedFirstAppsTogether() {
        var fake = FakePod(roles, mode: .policy(.always))
        #expect(fake.send(.sandboxReady) == [.start([0])])
        fake.run(0)
        #expect(fake.send(.exited(0, exitCode: 0, oomKilled: false)) == [.stayDown(0, fake.pod.containers[0].lastTermination!), .start([1])])
        fake.run(1)
        // Running is not enough: the sidecar must have started (startup probe, postStart).
        #expect(fake.pod.phase == .pending)
        #expect(fake.send(.startupSucceeded(1)) == [.start([2])])
        fake.run(2)
        #expect(!fake.pod.initDone)
        #expect(fake.send(.exited(2, exitCode: 0, oomKilled: false)).last == .start([3, 4]))
        #expect(fake.pod.initDone)
        fake.run(3)
        fake.run(4)
        #expect(fake.pod.phase == .running)
        #expect(fake.pod.containers[1].isRunning)
    }

    @Test func aSidecarThatCrashesIsRestartedAndKeptRunning() {
        var fake = FakePod([("proxy", .sidecar), ("web", .regular)], mode: .policy(.never))
        _ = fake.send(.sandboxReady)
        fake.run(0)
        #expect(fake.send(.startupSucceeded(0)) == [.start([1])])
        fake.run(1)
        #expect(fake.send(.exited(0, exitCode: 1, oomKilled: false)) == [.restartScheduled(0, delay: 0)])
        // The app finishing ends the pod even though the sidecar would restart.
        #expect(fake.send(.exited(1, exitCode: 0, oomKilled: false)).first == .stayDown(1, fake.pod.containers[1].lastTermination!))
        #expect(fake.pod.phase == .succeeded)
    }

    @Test func aFailedInitContainerFailsThePodUnderNever() {
        var fake = FakePod(roles, mode: .policy(.never))
        _ = fake.send(.sandboxReady)
        _ = fake.crash(0, after: 1, code: 2)
        #expect(fake.pod.phase == .failed)
        #expect(!fake.pod.initDone)
    }

    @Test func aFailedInitContainerIsRetriedAndThePodStaysPending() {
        var fake = FakePod(roles, mode: .policy(.onFailure))
        _ = fake.send(.sandboxReady)
        #expect(fake.crash(0, after: 1, code: 2) == [.restartScheduled(0, delay: 0)])
        #expect(fake.pod.phase == .pending)
        #expect(fake.fireTimerWhenDue() == [.start([0])])
        #expect(fake.crash(0, after: 1, code: 0).last == .start([1]))
    }

    @Test func phaseFollowsTheRegularContainers() {
        var fake = FakePod([("a", .regular), ("b", .regular)], mode: .policy(.onFailure))
        #expect(fake.pod.phase == .pending)
        #expect(fake.send(.sandboxReady) == [.start([0, 1])])
        fake.run(0)
        fake.run(1)
        #expect(fake.pod.phase == .running)
        _ = fake.send(.exited(0, exitCode: 0, oomKilled: false))
        _ = fake.send(.exited(1, exitCode: 1, oomKilled: false))
        #expect(fake.pod.phase == .running)
        _ = fake.fireTimerWhenDue()
        _ = fake.crash(1, after: 1, code: 0)
        #expect(fake.pod.phase == .succeeded)
    }

    @Test func aStopCancelsBackoffAndFreezesThePhase() {
        var fake = FakePod([("a", .regular), ("b", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        _ = fake.crash(0, after: 1, code: 1)
        fake.run(1)
        #expect(fake.send(.stopRequested(grace: 30)) == [.stop(.stop([1], grace: 30))])
        #expect(fake.pod.nextDeadline == fake.now.monotonic + 30)
        #expect(fake.send(.exited(1, exitCode: 143, oomKilled: false)) == [.stop(.killSandbox)])
        #expect(fake.pod.phase == .running)
        #expect(fake.send(.sandboxExited) == [])
        #expect(fake.pod.stopFinished)
        #expect(fake.pod.phase == .succeeded)
    }
}

@Suite struct StopMachineTests {
    /// An init container done, a sidecar and two app containers, all running.
    func runningPod() -> FakePod {
        var fake = FakePod([("setup", .initContainer), ("proxy", .sidecar), ("log", .sidecar), ("web", .regular), ("worker", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        _ = fake.crash(0, after: 1, code: 0)
        for index in 1...2 {
            fake.run(index)
            _ = fake.send(.startupSucceeded(index))
        }
        fake.run(3)
        fake.run(4)
        return fake
    }

    @Test func appsFirstThenSidecarsInReverseOrder() {
        var fake = runningPod()
        #expect(fake.send(.stopRequested(grace: 30)) == [.stop(.stop([3, 4], grace: 30))])
        #expect(fake.send(.exited(3, exitCode: 0, oomKilled: false)) == [])
        fake.wait(10)
        #expect(fake.send(.exited(4, exitCode: 143, oomKilled: false)) == [.stop(.stop([2], grace: 20))])
        // The earlier sidecar waits for the later one.
        fake.wait(5)
        #expect(fake.send(.exited(2, exitCode: 0, oomKilled: false)) == [.stop(.stop([1], grace: 15))])
        #expect(fake.send(.exited(1, exitCode: 0, oomKilled: false)) == [.stop(.killSandbox)])
        #expect(!fake.pod.stopFinished)
        _ = fake.send(.sandboxExited)
        #expect(fake.pod.stopFinished)
        #expect(fake.pod.containers.allSatisfy { $0.restartAt == nil })
    }

    @Test func whatStillRunsAtTheDeadlineIsKilled() {
        var fake = runningPod()
        _ = fake.send(.stopRequested(grace: 5))
        fake.wait(4.9)
        #expect(fake.send(.timerFired) == [])
        fake.wait(0.1)
        #expect(fake.send(.timerFired) == [.stop(.kill([1, 2, 3, 4]))])
        #expect(fake.send(.timerFired) == [])
    }

    @Test func aSecondRequestOnlyShortensTheGracePeriod() {
        var fake = runningPod()
        _ = fake.send(.stopRequested(grace: 30))
        #expect(fake.send(.stopRequested(grace: 60)) == [])
        #expect(fake.pod.stop?.deadline == fake.now.monotonic + 30)
        _ = fake.send(.stopRequested(grace: 0))
        #expect(fake.pod.stop?.deadline == fake.now.monotonic)
    }

    @Test func aPreStopThatTookTheGracePeriodLeavesTwoSeconds() {
        var fake = runningPod()
        _ = fake.send(.stopRequested(grace: 10))
        fake.wait(9.5)
        #expect(fake.send(.preStopFinished(3)) == [.sendStopSignal(3)])
        #expect(fake.pod.stop?.deadline == fake.now.monotonic + PodStop.minimumGrace)
    }

    @Test func aContainerStoppedOnItsOwnIsKilledAfterItsGrace() {
        var fake = FakePod([("web", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        fake.run(0)
        #expect(fake.send(.stopRequestedForContainer(0, grace: 10, hasPreStop: true)) == [.runPreStop(0, timeout: 10)])
        #expect(fake.pod.nextDeadline == fake.now.monotonic + 10)
        fake.wait(9)
        #expect(fake.send(.preStopFinished(0)) == [.sendStopSignal(0)])
        #expect(fake.pod.nextDeadline == fake.now.monotonic + PodStop.minimumGrace)
        fake.wait(2)
        #expect(fake.send(.timerFired) == [.stop(.kill([0]))])
        #expect(fake.send(.exited(0, exitCode: 137, oomKilled: false)) == [.restartScheduled(0, delay: 0)])
        #expect(fake.pod.containers[0].killAt == nil)
    }

    @Test func withoutPreStopTheStopSignalGoesAtOnce() {
        var fake = FakePod([("web", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        fake.run(0)
        #expect(fake.send(.stopRequestedForContainer(0, grace: 10, hasPreStop: false)) == [.sendStopSignal(0)])
        // A preStop that ends after its container did: nothing to signal.
        _ = fake.send(.exited(0, exitCode: 0, oomKilled: false))
        #expect(fake.send(.preStopFinished(0)) == [])
    }

    @Test func aPodWithNothingRunningStopsAtOnce() {
        var fake = FakePod([("job", .regular)], mode: .policy(.never))
        _ = fake.send(.sandboxReady)
        // Its one container finished under Never: the pod completes (PodLifecycle+Completion.swift).
        #expect(fake.crash(0, after: 1, code: 0).last == .stop(.killSandbox))
        // A delete then finds the stop under way: pause is killed again until reaped.
        #expect(fake.send(.stopRequested(grace: 30)) == [.stop(.killSandbox)])
        _ = fake.send(.sandboxExited)
        #expect(fake.pod.stopFinished)
        // It had already succeeded; so it stays.
        #expect(fake.pod.phase == .succeeded)
    }
}

@Suite struct NoRestartModeMachineTests {
    @Test func exitsAreReportedAndNothingRestarts() {
        var fake = FakePod([("proxy", .sidecar), ("web", .regular)], mode: .never)
        _ = fake.send(.sandboxReady)
        fake.run(0)
        let started = fake.now.wall
        _ = fake.send(.startupSucceeded(0))
        fake.run(1)
        fake.wait(30)
        let end = Termination(exitCode: 137, signal: 9, reason: "OOMKilled", startedAt: started, finishedAt: started + 30)
        #expect(fake.send(.exited(1, exitCode: 137, oomKilled: true)) == [.stayDown(1, end)])
        #expect(fake.send(.exited(0, exitCode: 1, oomKilled: false)).first == .stayDown(0, Termination(exitCode: 1, signal: nil, reason: "Error", startedAt: started, finishedAt: started + 30)))
        #expect(fake.pod.nextDeadline == nil)
        #expect(fake.pod.containers.map(\.restartCount) == [0, 0])
    }

    @Test func theKubeletStartsAddedContainersItself() {
        var fake = FakePod([], mode: .never)
        #expect(fake.send(.sandboxReady) == [])
        #expect(fake.send(.added(name: "web")) == [])
        #expect(fake.pod.requestStart(0) == [.start([0])])
        fake.run(0)
        #expect(fake.pod.requestStart(0) == [])
        _ = fake.send(.exited(0, exitCode: 0, oomKilled: false))
        #expect(fake.pod.containers[0].lastTermination?.reason == "Completed")
    }
}

@Suite struct SandboxMembershipMachineTests {
    @Test func aContainerAddedToARunningPodStarts() {
        var fake = FakePod([("web", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        fake.run(0)
        #expect(fake.send(.added(name: "debug")) == [.start([1])])
        fake.run(1)
        #expect(fake.pod.containers.map(\.name) == ["web", "debug"])
    }

    @Test func onlyAContainerThatIsDownCanBeRemoved() {
        var fake = FakePod([("web", .regular), ("job", .regular)], mode: .policy(.never))
        _ = fake.send(.sandboxReady)
        fake.run(0)
        fake.run(1)
        #expect(fake.send(.removed(1)) == [])
        _ = fake.send(.exited(1, exitCode: 0, oomKilled: false))
        #expect(fake.send(.removed(1)) == [.forget(1)])
        #expect(fake.pod.containers.map(\.name) == ["web"])
        #expect(fake.pod.phase == .running)
    }
}

@Suite struct ProbeThresholdMachineTests {
    func probe(delay: Double = 0, period: Double = 10, success: Int = 1, failure: Int = 3) -> ProbeState {
        ProbeState(plan: ProbePlan(action: .tcp(host: nil, port: 80), initialDelay: delay, period: period, timeout: 1, successThreshold: success, failureThreshold: failure, terminationGrace: nil))
    }

    @Test func initialDelayCountsFromTheContainerStart() {
        var state = probe(delay: 15)
        state.schedule(containerStartedAt: 100, now: 105)
        #expect(!state.isDue(now: 114.9))
        #expect(state.isDue(now: 115))
        // A probe that begins late (a startup probe passed after the delay) runs at once.
        state.schedule(containerStartedAt: 100, now: 130)
        #expect(state.isDue(now: 130))
    }

    @Test func periodSpacesRunsAndOneRunsAtATime() {
        var state = probe(period: 5)
        state.schedule(containerStartedAt: 0, now: 0)
        state.launched(now: 0)
        #expect(!state.isDue(now: 6))
        _ = state.record(success: true)
        #expect(!state.isDue(now: 4.9))
        #expect(state.isDue(now: 5))
    }

    @Test func failureThresholdNeedsConsecutiveFailures() {
        var state = probe(failure: 3)
        #expect(state.record(success: false) == nil)
        #expect(state.record(success: false) == nil)
        #expect(state.record(success: true) == true)
        #expect(state.record(success: false) == true)
        #expect(state.record(success: false) == true)
        #expect(state.record(success: false) == false)
    }

    @Test func successThresholdNeedsConsecutiveSuccesses() {
        var state = probe(success: 2, failure: 1)
        #expect(state.record(success: true) == nil)
        #expect(state.record(success: false) == false)
        #expect(state.record(success: true) == false)
        #expect(state.record(success: true) == true)
    }

    @Test func startupGatesLivenessAndReadiness() {
        #expect(ProbeConsequence.runs(.startup, started: false))
        #expect(!ProbeConsequence.runs(.liveness, started: false))
        #expect(!ProbeConsequence.runs(.readiness, started: false))
        #expect(!ProbeConsequence.runs(.startup, started: true))
        #expect(ProbeConsequence.runs(.liveness, started: true))
        #expect(ProbeConsequence.runs(.readiness, started: true))
    }

    @Test func whatAResultMeans() {
        #expect(ProbeConsequence.of(.startup, result: nil, started: false) == .none)
        #expect(ProbeConsequence.of(.startup, result: true, started: false) == .startupPassed)
        #expect(ProbeConsequence.of(.startup, result: false, started: false) == .restart(cause: "failed startup probe"))
        #expect(ProbeConsequence.of(.liveness, result: true, started: true) == .none)
        #expect(ProbeConsequence.of(.liveness, result: false, started: true) == .restart(cause: "failed liveness probe"))
        #expect(ProbeConsequence.of(.readiness, result: false, started: true) == .readinessChanged)
    }
}

@Suite struct ReadinessMachineTests {
    func startedPod(readinessProbe: Bool) -> FakePod {
        var fake = FakePod([("web", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        fake.run(0)
        _ = fake.send(.probesBegan(0, hasReadinessProbe: readinessProbe))
        return fake
    }

    @Test func withoutAReadinessProbeReadyOnceStarted() {
        var fake = startedPod(readinessProbe: false)
        #expect(!fake.pod.containers[0].ready)
        _ = fake.send(.startupSucceeded(0))
        #expect(fake.pod.containers[0].ready)
    }

    @Test func aReadinessProbeDecidesOnceStarted() {
        var fake = startedPod(readinessProbe: true)
        _ = fake.send(.startupSucceeded(0))
        #expect(!fake.pod.containers[0].ready)
        _ = fake.send(.readinessResult(0, true))
        #expect(fake.pod.containers[0].ready)
        _ = fake.send(.readinessResult(0, false))
        #expect(!fake.pod.containers[0].ready)
    }

    @Test func aContainerAskedToStopIsNotReadyAndANewInstanceStartsOver() {
        var fake = startedPod(readinessProbe: false)
        _ = fake.send(.startupSucceeded(0))
        _ = fake.send(.stopRequestedForContainer(0, grace: 30, hasPreStop: false))
        #expect(!fake.pod.containers[0].ready)
        _ = fake.send(.exited(0, exitCode: 0, oomKilled: false))
        _ = fake.fireTimerWhenDue()
        fake.run(0)
        _ = fake.send(.probesBegan(0, hasReadinessProbe: false))
        _ = fake.send(.startupSucceeded(0))
        #expect(fake.pod.containers[0].ready)
    }
}

@Suite struct PostStartMachineTests {
    @Test func runningOnlyOncePostStartReturns() {
        var fake = FakePod([("web", .regular)], mode: .policy(.always))
        _ = fake.send(.sandboxReady)
        _ = fake.send(.launching(0))
        #expect(fake.send(.started(0, hasPostStart: true)) == [.runPostStart(0)])
        #expect(fake.pod.containers[0].isRunning)
        guard case .postStart = fake.pod.containers[0].state else { Issue.record("not in postStart"); return }
        #expect(fake.send(.postStartFinished(0, failure: nil)) == [.running(0)])
        guard case .running = fake.pod.containers[0].state else { Issue.record("not running"); return }
        #expect(fake.send(.postStartFinished(0, failure: nil)) == [])
    }

    @Test func aFailedPostStartStopsTheContainerAndThePolicyDecides() {
        var fake = FakePod([("web", .regular)], mode: .policy(.onFailure))
        _ = fake.send(.sandboxReady)
        _ = fake.send(.launching(0))
        _ = fake.send(.started(0, hasPostStart: true))
        #expect(fake.send(.postStartFinished(0, failure: "exit status 1")) == [.postStartFailed(0, message: "PostStartHook failed: exit status 1")])
        _ = fake.send(.stopRequestedForContainer(0, grace: 30, hasPreStop: false))
        #expect(fake.send(.exited(0, exitCode: 143, oomKilled: false)) == [.restartScheduled(0, delay: 0)])
        #expect(fake.pod.containers[0].lastTermination?.signal == 15)
    }
}
