import PodCore
import Foundation
import PodModel
import PodPlan
import PodStore

/// A pod as `podctl get` shows it: the applied manifest, the supervisor's status, and
/// whether the supervisor is alive (if not, and the pod was not stopped, its state is
/// Unknown, as a kubelet that stopped reporting).
public struct PodView: Sendable {
    public let key: PodKey
    public let manifest: Pod
    public let status: PodStatusRecord?
    public let supervisorAlive: Bool
    public let paths: PodPaths

    public var isUnknown: Bool { !supervisorAlive && !(status?.stopped ?? false) }

    /// The STATUS column, as kubectl's printer computes it (printPod).
    public var displayStatus: String {
        guard let status else { return "Unknown" }
        if isUnknown { return "Unknown" }
        // An unscheduled pod says Pending; its reason is PodScheduled's (kubectl printPod).
        if let reason = status.reason, reason != CreateWaits.unschedulableReason { return reason }
        let inits = status.initContainers
        // Once Initialized is True the app containers say (isPodInitializedConditionTrue):
        // a sidecar stopped at completion is no init failure.
        for (index, container) in inits.enumerated() where !status.initDone && !(container.isCompleted || (plannedSidecar(index) && container.started)) {
            switch container.state {
            case let .terminated(code, signal, reason, _, _, _):
                return "Init:" + (reason.isEmpty ? (signal.map { "Signal:\($0)" } ?? "ExitCode:\(code)") : reason)
            case let .waiting(reason, _) where reason != "PodInitializing" && reason != "ContainerCreating":
                return "Init:" + reason
            default:
                return "Init:\(index)/\(inits.count)"
            }
        }
        var result = status.phase
        var anyRunning = false
        for container in status.containers.reversed() {
            switch container.state {
            case let .waiting(reason, _): result = reason
            case let .terminated(code, signal, reason, _, _, _):
                result = reason.isEmpty ? (signal.map { "Signal:\($0)" } ?? "ExitCode:\(code)") : reason
            case .running: anyRunning = true
            }
        }
        if result == "Completed" && anyRunning { result = "Running" }
        return result
    }

    private func plannedSidecar(_ index: Int) -> Bool {
        manifest.spec?.initContainers?[safe: index]?.isSidecar ?? false
    }

    /// READY: ready app containers (and started sidecars, as kubectl counts them) of all.
    public var readyColumn: String {
        let containers = status?.containers ?? []
        let sidecars = (status?.initContainers ?? []).enumerated().filter { plannedSidecar($0.offset) }.map(\.element)
        let total = (manifest.spec?.containers?.count ?? 0) + sidecars.count
        let ready = (containers + sidecars).filter { $0.ready && !isUnknown }.count
        return "\(ready)/\(total)"
    }

    public var restarts: Int {
        (status?.containers ?? []).reduce(0) { $0 + $1.restartCount } + (status?.initContainers ?? []).reduce(0) { $0 + $1.restartCount }
    }

    public var age: String {
        guard let start = status?.startTime, let date = ISO8601DateFormatter().date(from: start) else { return "<unknown>" }
        return Self.shortDuration(Date().timeIntervalSince(date))
    }

    /// kubectl's `duration.HumanDuration`, shortened: 5s, 3m, 2h, 4d.
    static func shortDuration(_ seconds: Double) -> String {
        let value = Int(max(0, seconds))
        if value < 120 { return "\(value)s" }
        if value < 60 * 60 * 3 { return "\(value / 60)m" }
        if value < 60 * 60 * 48 { return "\(value / 3600)h" }
        return "\(value / 86400)d"
    }
}

extension ContainerStatusRecord {
    var isCompleted: Bool {
        if case let .terminated(code, _, _, _, _, _) = state { return code == 0 }
        return false
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
