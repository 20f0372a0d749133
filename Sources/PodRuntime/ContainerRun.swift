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
    /// It exited and the policy says it stays down.
    var done = false
    var exitCode: Int32?

    init(plan: ContainerPlan, isInit: Bool) {
        self.plan = plan
        self.isInit = isInit
    }

    var openPipes: [(LogStream, Int32)] { pipes.sorted { $0.key == .stdout && $1.key != .stdout }.map { ($0.key, $0.value) } }
    var isRunning: Bool { pid != nil }
}
