import PodLogs
import PodPlan

/// One container as the supervisor runs it: its plan, the process, its log pipes and
/// writer. Its lifecycle (state, back-off, restarts) is the PodLifecycle's.
struct ContainerRun {
    var plan: ContainerPlan
    /// A new spec from apply, taken when the running instance has stopped.
    var pendingPlan: ContainerPlan?
    let isInit: Bool
    var pid: Int32?
    var flushAt: Double?
    var pipes: [LogStream: Int32] = [:]
    var writer: ContainerLogWriter?
    /// Its stdin or terminal, for attach (ContainerConsole.swift).
    var console = ContainerConsole()
    var probes: [ProbeKind: ProbeState] = [:]
    /// A stop was asked for (the signal to send once preStop is done).
    var stopSignal: Int32?
    /// Why the last instance was stopped by podctl (a failed probe or hook), for its status.
    var stopCause: String?
    /// Created through the CRI and prepared, waiting for StartContainer (D82).
    var prestarted: PrestartedHelper?

    init(plan: ContainerPlan, isInit: Bool) {
        self.plan = plan
        self.isInit = isInit
    }

    var openPipes: [(LogStream, Int32)] { pipes.sorted { $0.key == .stdout && $1.key != .stdout }.map { ($0.key, $0.value) } }
    var isRunning: Bool { pid != nil }
}
