import Foundation
import PodCRIProtocol
import PodRuntime
import PodStore

/// A sandbox as the CRI shows it, from its record and its pod's status file (cached,
/// StatusCache): READY while the supervisor runs and the sandbox is up, NOTREADY once it
/// was stopped, its pause died or its supervisor is gone (containerd reports a sandbox
/// whose task exited as NOTREADY too).
struct SandboxView {
    let record: SandboxRecord
    let config: Runtime_V1_PodSandboxConfig
    let podStatus: PodStatusRecord?
    let ready: Bool

    init(record: SandboxRecord, context: CRIContext) {
        self.record = record
        config = record.decodedConfig()
        if let key = try? record.key() {
            podStatus = context.statuses.status(at: PodPaths(store: context.store, key: key).status)
        } else {
            podStatus = nil
        }
        if let status = podStatus, status.sandboxReady, !status.stopped {
            ready = PodManager(store: context.store).supervisorAlive(pid: status.supervisorPID)
        } else {
            ready = false
        }
    }

    var state: Runtime_V1_PodSandboxState { ready ? .sandboxReady : .sandboxNotready }

    var hostNetwork: Bool { config.linux.securityContext.namespaceOptions.network == .node }

    func listed() -> Runtime_V1_PodSandbox {
        var sandbox = Runtime_V1_PodSandbox()
        sandbox.id = record.id
        sandbox.metadata = config.metadata
        sandbox.state = state
        sandbox.createdAt = record.createdAt
        sandbox.labels = config.labels
        sandbox.annotations = config.annotations
        sandbox.runtimeHandler = record.runtimeHandler
        return sandbox
    }

    func status() -> Runtime_V1_PodSandboxStatus {
        var result = Runtime_V1_PodSandboxStatus()
        result.id = record.id
        result.metadata = config.metadata
        result.state = state
        result.createdAt = record.createdAt
        // The pod's address on podctl's bridge; none on the host's network (containerd's rule).
        if !hostNetwork, let address = podStatus?.podIP { result.network.ip = address }
        result.linux.namespaces.options = config.linux.securityContext.namespaceOptions
        result.labels = config.labels
        result.annotations = config.annotations
        result.runtimeHandler = record.runtimeHandler
        return result
    }

    /// `info["info"]` of a verbose status: the podctl pod it is and its processes, as
    /// JSON (containerd gives its own record there).
    func verboseInfo() -> String {
        let info: [String: Any] = [
            "pod": "\(record.namespace)/\(record.name)",
            "pausePid": Int(podStatus?.pausePID ?? 0),
            "supervisorPid": Int(podStatus?.supervisorPID ?? 0),
            "phase": podStatus?.phase ?? "",
            "cgroupParent": config.linux.cgroupParent,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: info, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
