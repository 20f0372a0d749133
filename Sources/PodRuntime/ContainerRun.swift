import PodLogs

/// One container as the supervisor runs it: its plan, the process, its log pipes and
/// writer, and its back-off.
struct ContainerRun {
    var plan: ContainerPlan
    /// A new spec from apply, taken when the running instance has stopped.
    var pendingPlan: ContainerPlan?
    /// When a stop for a replacement turns into SIGKILL.
    var killAt: Double?
    let isInit: Bool
    var pid: Int32?
    var startedAt: Double = 0
    var restartAt: Double?
    var flushAt: Double?
    var backoff = Backoff()
    var restarts = 0
    /// A start was made before: the next one is a restart.
    var attempted = false
    var pipes: [LogStream: Int32] = [:]
    var writer: ContainerLogWriter?
    /// Its stdin or terminal, for attach (ContainerConsole.swift).
    var console = ContainerConsole()
    /// It exited and the policy says it stays down.
    var done = false
    var exitCode: Int32?
    /// Its startup probe passed (or it has none) and its postStart hook returned: it
    /// counts as started (a sidecar lets the next init container go).
    var started = false
    /// The postStart hook returned; until then the container is not Running.
    var postStartDone = false
    var probes: [ProbeKind: ProbeState] = [:]
    /// A stop was asked for (the signal to send once preStop is done).
    var stopSignal: Int32?
    /// Why the last instance was stopped by podctl (a failed probe or hook), for its status.
    var stopCause: String?

    init(plan: ContainerPlan, isInit: Bool) {
        self.plan = plan
        self.isInit = isInit
    }

    var openPipes: [(LogStream, Int32)] { pipes.sorted { $0.key == .stdout && $1.key != .stdout }.map { ($0.key, $0.value) } }
    var isRunning: Bool { pid != nil }
}

/// A probe of a running container: when it runs next and how its results stand.
struct ProbeState {
    let plan: ProbePlan
    var nextAt: Double?
    var successes = 0
    var failures = 0
    /// nil until a threshold is reached.
    var result: Bool?
    var running = false

    init(plan: ProbePlan) {
        self.plan = plan
    }
}
