import Glibc
import PodCore
import PodExec
import PodLaunch
import PodLogs
import PodOS
import PodPlan

extension Supervisor {
    func start(_ index: Int) {
        start([index])
    }

    /// Starts containers side by side: every helper is launched first, then their reports
    /// are read, so the helpers' namespace and mount work (about 10 ms each) overlaps
    /// instead of adding up (app containers start together in Kubernetes too).
    func start(_ indices: [Int]) {
        let launched = indices.compactMap { index in (takePrestarted(index) ?? launch(index)).map { (index, $0) } }
        // A held start (the pod's first): the helpers are past the spawn; their reports end
        // at the exec, so the gate opens before they are read.
        releaseStartGate()
        for (index, running) in launched {
            let (reports, _) = running.finish()
            adoptTerminal(index)
            handleStartReports(index, reports)
            statusDirty = true
        }
    }

    /// Prepares a container's root, pipes, log and cgroup and launches its helper; nil if
    /// that failed (the failure is recorded and the restart policy decides).
    private func launch(_ index: Int) -> HelperLauncher.Running? {
        guard !pod.stopping, status.sandboxReady else { return nil }
        markLaunching(index)
        do {
            return try spawnHelper(index, startGate: startGate?.pipe.read)
        } catch {
            startFailed(index, reason: "CreateContainerError", message: error.description, exitCode: nil)
            statusDirty = true
            return nil
        }
    }

    /// The lifecycle's word that this start is an attempt (a restart counts from the second).
    func markLaunching(_ index: Int) {
        let before = pod.containers[index].restartCount
        _ = pod.handle(.launching(index), now: Clock.now())
        let restarts = pod.containers[index].restartCount
        if restarts != before { updateStatus(index) { $0.restartCount = restarts } }
    }

    /// The container's root, pipes, log and cgroup, and its helper launched through
    /// `startGate` (its process waits there before the exec) when there is one.
    func spawnHelper(_ index: Int, startGate gate: Int32?) throws(PodError) -> HelperLauncher.Running {
        let container = containers[index].plan
        let restarts = pod.containers[index].restartCount
        try prepareRoot(container)
        let output = try makePipe()
        let errors: (read: Int32, write: Int32)
        do { errors = try makePipe() } catch {
            [output.read, output.write].forEach { close($0) }
            throw error
        }
        var handedOver = false
        // The read ends stay only with a launched helper (they become the container's log pipes).
        defer { if !handedOver { close(output.read); close(errors.read) } }
        let console = try makeConsoleStdio(index)
        defer { console.childEnds.forEach { close($0) }; close(output.write); close(errors.write) }
        var launch = try plan.containerLaunch(container, pausePID: status.pausePID)
        try prepareContainerCgroup(index, &launch)
        let running = try launcher.start(.container(launch), stdio: .init(input: console.input, output: output.write, error: errors.write),
                                         terminalSocket: console.terminalSocket, startGate: gate)
        if gate != nil, gate == startGate?.pipe.read { startGate?.held += 1 }
        handedOver = true
        containers[index].pipes = [.stdout: output.read, .stderr: errors.read]
        // A 1 MiB pipe (F_SETPIPE_SZ, 1031: fcntl(2)) lets a fast writer go on while the
        // log is written, so the supervisor wakes and copies in larger pieces.
        for fd in [output.read, errors.read] { _ = fcntl(fd, F_SETFL, O_NONBLOCK); _ = fcntl(fd, 1031, 1 << 20) }
        containers[index].writer = try? container.logPath.map { path throws(PodError) in try ContainerLogWriter(file: path) }
            ?? ContainerLogWriter(directory: "\(plan.logDirectory)/\(container.name)", restartCount: restarts)
        return running
    }

    private func handleStartReports(_ index: Int, _ reports: [HelperReport]) {
        for report in reports {
            switch report {
            case let .started(pid):
                containers[index].pid = pid
                writeExecPlan(index, pid: pid)
                containers[index].stopSignal = nil
                containers[index].stopCause = nil
                let actions = pod.handle(.started(index, hasPostStart: containers[index].plan.health?.postStart != nil), now: Clock.now())
                checkOOMScore(pid: pid, wanted: containers[index].plan.oomScoreAdj, object: fieldPath(index))
                let name = containers[index].plan.name
                status.record(.normal, "Created", "Created container \(name)", object: fieldPath(index))
                status.record(.normal, "Started", "Started container \(name)", object: fieldPath(index))
                updateStatus(index) { $0.state = .waiting(reason: "ContainerCreating", message: nil); $0.started = false; $0.ready = false; $0.pid = pid }
                log("container \(containers[index].plan.name) started: pid \(pid)")
                perform(actions)
            case let .rootFilesystem(driver, reason):
                recordRootFilesystem(index, driver: driver, reason: reason)
            case let .failed(failure):
                // The process may have been forked before it failed; its exit is reaped as usual.
                let notFound = failure.kind == .notFound || failure.kind == .notExecutable
                containers[index].pid = nil
                startFailed(index, reason: notFound ? "StartError" : "CreateContainerError", message: failure.message, exitCode: notFound ? 128 : nil)
            }
        }
    }

    /// A non-root user's container root was mounted by `driver` (the kernel's overlay or
    /// fuse-overlayfs, D71): a Normal event names it and why, once per pod (again only
    /// if a later start chose otherwise), as Podman reports its storage driver in `info`.
    private func recordRootFilesystem(_ index: Int, driver: String, reason: String) {
        guard rootFilesystemDriver != driver else { return }
        rootFilesystemDriver = driver
        status.record(.normal, "RootFilesystem", "Container roots are mounted with \(driver): \(reason)", object: fieldPath(index))
        log("container \(containers[index].plan.name): root mounted with \(driver): \(reason)")
    }

    /// A container that could not start: a StartError terminates it (exit code 128, as
    /// containerd reports it); a CreateContainerError leaves it waiting. Either way the
    /// restart policy and back-off decide what comes next.
    private func startFailed(_ index: Int, reason: String, message: String, exitCode: Int32?) {
        log("container \(containers[index].plan.name): \(reason): \(message)")
        status.record(.warning, "Failed", "Error: \(message)", object: fieldPath(index))
        closeLogs(index)
        if let exitCode {
            updateStatus(index) { $0.state = .terminated(exitCode: exitCode, signal: nil, reason: reason, message: message, startedAt: nil, finishedAt: Clock.rfc3339()); $0.pid = nil; $0.ready = false }
        } else {
            updateStatus(index) { $0.state = .waiting(reason: reason, message: message); $0.pid = nil; $0.ready = false }
        }
        perform(pod.handle(.startFailed(index, exitCode: exitCode, reason: reason), now: Clock.now()))
    }

    func containerExited(_ index: Int, code: Int32) {
        containers[index].pid = nil
        cancelChecks(of: index)
        containers[index].probes = [:]
        containers[index].stopSignal = nil
        let cause = containers[index].stopCause
        containers[index].stopCause = nil
        drainOutput(index)
        closeLogs(index)
        let oomKilled = oomKilled(index)
        if oomKilled { recordOOMKill(index) }
        let actions = pod.handle(.exited(index, exitCode: code, oomKilled: oomKilled), now: Clock.now())
        if let end = pod.containers[index].lastTermination {
            updateStatus(index) { record in
                var startedAt: String?
                if case let .running(time) = record.state { startedAt = time }
                record.state = .terminated(exitCode: end.exitCode, signal: end.signal, reason: end.reason, message: cause, startedAt: startedAt, finishedAt: Clock.rfc3339(wall: end.finishedAt))
                record.pid = nil
                record.ready = false
                record.started = false
            }
        }
        log("container \(containers[index].plan.name) exited: code \(code)")
        if !pod.stopping, containers[index].pendingPlan != nil { adoptPendingPlan(index) }
        perform(actions)
    }

    /// The object an event is about, as the kubelet names it: `spec.containers{web}`.
    func fieldPath(_ index: Int) -> String {
        let container = containers[index]
        return "spec.\(container.isInit ? "initContainers" : "containers"){\(container.plan.name)}"
    }

    func updateStatus(_ index: Int, _ change: (inout ContainerStatusRecord) -> Void) {
        let initCount = plan.initContainers.count
        if index < initCount { change(&status.initContainers[index]) } else { change(&status.containers[index - initCount]) }
        statusDirty = true
    }

    /// A fresh writable layer for every start: a restarted container is a new container
    /// in Kubernetes, and does not see what the last one wrote to its root. The last
    /// start's layer is renamed aside and removed once the new process runs (LayerRemoval):
    /// removing it first put every rmdir on the restart's path, 3 to 27 ms each on ext4
    /// while the dead container's overlay mount was still being torn down (strace -T), as
    /// the kubelet leaves a dead container's layer to its garbage collection.
    func prepareRoot(_ container: ContainerPlan) throws(PodError) {
        let base = "\(plan.containerDirectory)/\(container.name)"
        for directory in ["upper", "work"] {
            let path = base + "/" + directory
            guard Files.exists(path) else { continue }
            let aside = LayerRemoval.asidePath(path)
            // Left by a removal that failed or a supervisor that died before it ran.
            try Files.removeTree(aside)
            guard rename(path, aside) == 0 else {
                throw PodError.system("rename", errno: errno, path: path, "cannot move the last writable layer of container \(container.name) aside")
            }
            layerRemoval.schedule(aside, now: Clock.monotonic())
        }
        for directory in ["upper", "work", "rootfs"] { try Files.makeDirectories(base + "/" + directory, mode: 0o755) }
    }

    /// Removes the layers set aside whose time has come; an error is logged and the
    /// directory is left to the pod's removal, which takes the container directory whole.
    func removeAsideLayers(now: Double) {
        for path in layerRemoval.due(now: now) {
            do { try Files.removeTree(path) } catch { log("cannot remove the last writable layer \(path): \(error)") }
        }
    }
}
