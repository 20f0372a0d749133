import PodJSON
import PodLogs
import PodOS
import PodPlan

/// The control requests of the CRI endpoint (podctl-cri): under RestartMode.never the
/// kubelet adds, starts, stops and removes containers one at a time, as containerd's CRI
/// plugin does with its tasks (pkg/cri/server/container_{create,start,stop,remove}.go).
/// Each reply says what happened; the daemon reads the rest from status.json.
extension Supervisor {
    func handleKubeletRequest(_ request: ControlRequest) -> ControlReply {
        guard pod.mode == .never else { return ControlReply(ok: false, message: "pod \(plan.namespace)/\(plan.name) is not a CRI sandbox: its restart policy decides") }
        guard let name = request.container, !name.isEmpty else { return ControlReply(ok: false, message: "the request names no container") }
        switch request.op {
        case .addContainer: return addContainer(name)
        case .startContainer: return startContainer(name)
        case .stopContainer: return stopContainer(name, grace: request.grace ?? 0)
        case .reopenLog: return reopenLog(name)
        case .updateResources: return updateResources(name)
        default: return removeContainer(name)
        }
    }

    func containerIndex(_ name: String) -> Int? { containers.firstIndex { $0.plan.name == name } }

    /// The planner appended the container to the run plan; it joins, created.
    private func addContainer(_ name: String) -> ControlReply {
        guard !pod.stopping, status.sandboxReady else { return ControlReply(ok: false, message: "the sandbox is not ready: it is stopping or stopped") }
        if containerIndex(name) != nil { return ControlReply(ok: true, message: "container \(name) is already there") }
        let fresh: RunPlan
        do { fresh = try RunPlan.read(from: planPath) } catch { return ControlReply(ok: false, message: "\(error)") }
        guard let container = fresh.containers.first(where: { $0.name == name }) else {
            return ControlReply(ok: false, message: "container \(name) is not in the run plan \(planPath)")
        }
        containers.append(ContainerRun(plan: container, isInit: false))
        status.containers.append(ContainerStatusRecord(name: container.name, image: container.image, imageID: container.imageID))
        perform(pod.handle(.added(name: name), now: Clock.now()))
        prestartsDue.append(name)
        statusDirty = true
        log("container \(name) created")
        return ControlReply(ok: true, message: "created")
    }

    /// Only a created container starts: containerd refuses to start one that ran.
    private func startContainer(_ name: String) -> ControlReply {
        guard let index = containerIndex(name) else { return ControlReply(ok: false, message: "container \(name) not found") }
        guard pod.containers[index].state == .waiting, pod.containers[index].lastTermination == nil else {
            return ControlReply(ok: false, message: "container \(name) is not in the created state: it runs or has run")
        }
        let actions = pod.requestStart(index)
        guard !actions.isEmpty else { return ControlReply(ok: false, message: "container \(name) cannot start: the sandbox is not ready") }
        perform(actions)
        if statusDirty { writeStatus() }
        let state = status.containers[index - plan.initContainers.count].state
        if case let .terminated(_, _, reason, message, _, _) = state, reason == "StartError" {
            return ControlReply(ok: false, message: "container \(name) failed to start: \(message ?? reason)")
        }
        if case let .waiting(reason, message) = state, reason == "CreateContainerError" {
            return ControlReply(ok: false, message: "container \(name) failed to start: \(message ?? reason)")
        }
        return ControlReply(ok: true, message: "started")
    }

    /// A stopped (or never started) container is no error, as the CRI wants.
    private func stopContainer(_ name: String, grace: Double) -> ControlReply {
        guard let index = containerIndex(name) else { return ControlReply(ok: true, message: "container \(name) is not there") }
        guard containers[index].isRunning else { return ControlReply(ok: true, message: "container \(name) is not running") }
        requestStop(index, grace: max(0, grace))
        return ControlReply(ok: true, message: "stopping")
    }

    /// A container that is down leaves; a running one is refused (the daemon stops it first).
    private func removeContainer(_ name: String) -> ControlReply {
        guard let index = containerIndex(name) else { return ControlReply(ok: true, message: "container \(name) is not there") }
        let actions = pod.handle(.removed(index), now: Clock.now())
        guard actions.contains(.forget(index)) else { return ControlReply(ok: false, message: "container \(name) is running: stop it first") }
        discardPrestarted(index)
        closeLogs(index)
        perform(actions)
        statusDirty = true
        log("container \(name) removed")
        return ControlReply(ok: true, message: "removed")
    }

    /// The kubelet's log manager renamed the file (its rotation): what is buffered goes to
    /// the old file, the next line to a new file at the path (containerd's ReopenContainerLog).
    private func reopenLog(_ name: String) -> ControlReply {
        guard let index = containerIndex(name), containers[index].isRunning, let path = containers[index].plan.logPath else {
            return ControlReply(ok: false, message: "container \(name) is not running with a log file of the kubelet's")
        }
        do {
            try containers[index].writer?.close()
            containers[index].writer = try ContainerLogWriter(file: path)
        } catch {
            containers[index].writer = nil
            return ControlReply(ok: false, message: "cannot reopen the log \(path): \(error)")
        }
        return ControlReply(ok: true, message: "reopened")
    }
}
