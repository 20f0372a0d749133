import CPodShim
import Glibc
import PodCgroups
import PodCore
import PodExec
import PodLaunch
import PodLogs
import PodJSON
import PodOS
import PodPlan

/// The per-pod supervisor: a daemon in the host's namespaces that starts the pod's pause
/// and containers through pod-helper, is the subreaper of every pod process (so it reads
/// every exit status itself), writes each container's output to CRI logs, restarts per
/// the restart policy with the kubelet's back-off, and stops the pod gracefully on
/// SIGTERM. It is single-threaded: one poll loop over a signalfd and the log pipes.
public final class Supervisor {
    let plan: RunPlan
    /// Where the plan came from: reload reads it again.
    let planPath: String
    let launcher: HelperLauncher
    var status = PodStatusRecord()
    var containers: [ContainerRun] = []
    var signals: Int32 = -1
    var control: Int32 = -1
    /// What decides: restarts, back-off, ordering, phase (PodLifecycle.swift).
    var pod: PodLifecycle
    var statusDirty = true
    /// When the start-up's program pages are unmapped (ImageRelease), once.
    var imageReleaseAt: Double?
    /// Writable layers of earlier starts, removed after the new process runs.
    var layerRemoval = LayerRemoval()
    /// Probes and hooks in flight (Supervisor+Checks.swift).
    var checks: [HealthCheck] = []
    var nextCheckID = 0
    /// What of the status was last written to the state root (Supervisor+Restore.swift).
    var durableFingerprint = ""
    /// status.json's bytes, written since last-status.json was (Supervisor+Restore.swift).
    var pendingDurableStatus: [UInt8]?
    /// A delete stops the pod: its state directory goes right after, last-status.json with
    /// it, so the status is not made durable (fsynced) any more (D79).
    var deleting = false
    /// podctl attach sessions (Supervisor+Attach.swift).
    var attachments: [Attachment] = []
    /// apply's start notice pipe (Supervisor+Notice.swift), -1 once sent or without one.
    var notice = StartNotice.take()
    /// What the pod's cgroup holds: the plan's limits until UpdateContainerResources
    /// changes them (Supervisor+Resources.swift).
    var podLimits: CgroupLimits?
    /// A non-root user's hostPort forwarder (Supervisor+HostPorts.swift, D69), 0 when none.
    var hostPortForwarder: pid_t = 0
    /// How a non-root user's container roots are mounted, once reported (D71).
    var rootFilesystemDriver: String?
    /// The first containers' start, held until pod-network answers (Supervisor+StartGate.swift).
    var startGate: StartGate?
    /// Why the pod's network could not be set up, once the gate found out.
    var networkFailure: NetworkFailure?
    /// Containers created through the CRI whose helpers are launched once the reply went (D82).
    var prestartsDue: [String] = []

    public init(plan: RunPlan, planPath: String) {
        self.plan = plan
        self.planPath = planPath
        podLimits = plan.cgroups?.limits
        launcher = HelperLauncher(helperPath: plan.helperPath)
        containers = plan.initContainers.map { ContainerRun(plan: $0, isInit: true) } + plan.containers.map { ContainerRun(plan: $0, isInit: false) }
        pod = PodLifecycle(containers: plan.initContainers.map { ContainerLifecycle(name: $0.name, role: $0.isSidecar ? .sidecar : .initContainer) }
            + plan.containers.map { ContainerLifecycle(name: $0.name, role: .regular) },
            mode: plan.kubeletRestarts == true ? .never : .policy(RestartPolicy(rawValue: plan.restartPolicy) ?? .always),
            terminationGrace: Double(plan.terminationGracePeriodSeconds), activeDeadlineSeconds: plan.activeDeadlineSeconds.map(Double.init))
        status.supervisorPID = getpid()
        status.initContainers = plan.initContainers.map { ContainerStatusRecord(name: $0.name, image: $0.image, imageID: $0.imageID) }
        status.containers = plan.containers.map { ContainerStatusRecord(name: $0.name, image: $0.image, imageID: $0.imageID) }
        takeOverRestoredState()
    }

    /// Runs the pod until it is stopped; returns the process exit code.
    public func run() -> Int32 {
        defer { flushDurableStatus() }
        // Orphans of the pod (a container's init, once its helper exits) come to us.
        _ = podshim_set_subreaper()
        signals = makeSignalDescriptor([SIGCHLD, SIGTERM, SIGINT, SIGHUP])
        _ = signal(SIGPIPE, SIG_IGN)
        control = openControlSocket()
        status.startTime = Clock.rfc3339()
        perform(pod.handle(.podStarted, now: Clock.now()))
        writeStatus()
        let networkProcess = startNetworkProcessEarly()
        guard startSandbox() else {
            networkProcess?.callOff()
            removeCgroups()
            writeStatus()
            return 1
        }
        do throws(NetworkFailure) { try beginNetworkAndGate(networkProcess) } catch { networkFailure = error }
        if networkFailure == nil {
            perform(pod.handle(.sandboxReady, now: Clock.now()))
            releaseStartGate()  // when no container was launched through it
        }
        if let failure = networkFailure {
            // No workload ran: held containers exit at the gate's end-of-file. Take pause
            // down, and whatever is left in the pod's cgroups with it.
            failNetwork(failure)
            kill(status.pausePID, SIGKILL)
            var raw: Int32 = 0
            waitpid(status.pausePID, &raw, 0)
            status.pausePID = 0
            status.sandboxReady = false
            removeCgroups()
            writeStatus()
            return 1
        }
        if statusDirty { writeStatus() }
        StartNotice.send(&notice)
        StackRelease.belowCurrentFrame()
        imageReleaseAt = Clock.monotonic() + ImageRelease.delay
        while !pod.stopFinished {
            flushDurableStatus()
            pollOnce()
            runTimers()
            if statusDirty { writeStatus() }
        }
        finishStop()
        if control >= 0 { close(control); unlink(socketPath) }
        return 0
    }

    /// Waits for a signal, log output or the next timer, and handles what came.
    func pollOnce() {
        var fds = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0), pollfd(fd: control, events: Int16(POLLIN), revents: 0)]
        var owners: [(Int, LogStream)] = []
        for (index, container) in containers.enumerated() {
            for (stream, fd) in container.openPipes {
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                owners.append((index, stream))
            }
        }
        let firstCheck = fds.count
        var polledChecks: [Int] = []
        for check in checks {
            guard let request = check.pollRequest else { continue }
            fds.append(pollfd(fd: request.fd, events: request.events, revents: 0))
            polledChecks.append(check.id)
        }
        let firstAttachment = fds.count
        fds += attachmentPollDescriptors
        let timeout = Int32(max(0, min(1000, (nextDeadline() - Clock.monotonic()) * 1000)).rounded(.up))
        let ready = poll(&fds, nfds_t(fds.count), timeout)
        if ready <= 0 { return }
        if fds[0].revents != 0 { handleSignals() }
        if fds[1].revents != 0 { acceptControlConnections() }
        for (offset, owner) in owners.enumerated() where fds[offset + 2].revents != 0 {
            readOutput(of: owner.0, stream: owner.1)
        }
        for (offset, id) in polledChecks.enumerated() where fds[firstCheck + offset].revents != 0 {
            advanceCheck(id: id)
        }
        serviceAttachments(fds[firstAttachment...])
    }

    func handleSignals() {
        while true {
            let number = podshim_read_signal(signals)
            if number < 0 { return }
            switch number {
            case SIGCHLD: reapChildren()
            case SIGTERM, SIGINT: beginStop(grace: gracePeriodRequested())
            default: break
            }
        }
    }

    /// Reaps every exited child: pause, container inits, stray helpers.
    func reapChildren() {
        while true {
            var raw: Int32 = 0
            let pid = waitpid(-1, &raw, WNOHANG)
            if pid <= 0 { return }
            let code = podshim_exit_code(raw)
            if pid == status.pausePID { pauseExited(code: code) }
            else if pid == hostPortForwarder {
                hostPortForwarder = 0
                log("the hostPort forwarder exited (code \(code)): the pod's hostPorts no longer answer")
            }
            else if checkProcessExited(pid: pid, code: code) { continue }
            else if let index = containers.firstIndex(where: { $0.pid == pid }) { containerExited(index, code: code) }
        }
    }

    /// The earliest moment something must happen without an event: a restart, a stop deadline, a log flush.
    func nextDeadline() -> Double {
        var deadlines = containers.compactMap(\.flushAt)
        if let lifecycle = pod.nextDeadline { deadlines.append(lifecycle) }
        deadlines += checks.map(\.deadline)
        if let probe = nextProbeTime { deadlines.append(probe) }
        if let release = imageReleaseAt { deadlines.append(release) }
        if let removal = layerRemoval.nextDeadline { deadlines.append(removal) }
        return deadlines.min() ?? Clock.monotonic() + 1
    }

    func runTimers() {
        let now = Clock.monotonic()
        for index in containers.indices {
            if let due = containers[index].flushAt, due <= now { flushPartial(index) }
        }
        if let due = pod.nextDeadline, due <= now { perform(pod.handle(.timerFired, now: Clock.now())) }
        expireChecks(now: now)
        runDueProbes(now: now)
        removeAsideLayers(now: now)
        if let due = imageReleaseAt, due <= now {
            imageReleaseAt = nil
            ImageRelease.ownFileMappings()
        }
    }

    func writeStatus() {
        statusDirty = false
        // PodJSON, sorted keys: what Foundation's JSONEncoder wrote here before, and
        // what podctl get, describe and wait read (D55).
        let data: [UInt8]
        do { data = try PodJSON.encode(status) } catch {
            log("supervisor: cannot encode the status: \(error)")
            return
        }
        do { try AtomicFile.write(data, to: plan.statusPath, mode: 0o600) } catch {
            log("supervisor: cannot write \(plan.statusPath): \(error)")
        }
        // The copy in the state root waits until the start notice or the control reply
        // has gone (the next turn of the loop): its fsyncs are not the caller's wait.
        pendingDurableStatus = data
        // One supervisor runs per pod, so its idle heap is paid per pod: give back what
        // the starts and the encoding freed (glibc keeps it otherwise; malloc_trim(3)).
        _ = podshim_malloc_trim()
    }

    func log(_ line: String) {
        writeStandardError("\(Clock.rfc3339()) \(line)\n")
    }
}

/// One write(2) of the whole line to standard error (supervisor.log): lines from the
/// supervisor and its helpers do not interleave mid-line.
public func writeStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        offset += written
    }
    bytes.removeAll()
}

extension Clock {
    /// Now for the lifecycle machine: both clocks at once.
    static func now() -> LifecycleTime {
        LifecycleTime(monotonic: monotonic(), wall: Int64(time(nil)))
    }
}

/// A signalfd for `signals`, which are blocked so that only the descriptor sees them.
func makeSignalDescriptor(_ signals: [Int32]) -> Int32 {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in signals { sigaddset(&set, signal) }
    sigprocmask(SIG_BLOCK, &set, nil)
    return podshim_signalfd(&set)
}
