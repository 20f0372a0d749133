import PodModel

extension PodView {
    /// The reasons the pod waits on something only the user can give (D58): a missing
    /// ConfigMap, Secret, key, claim or image, or a user runAsNonRoot refuses. One line
    /// each, `container NAME: REASON: message`; empty for a pod that is only starting.
    /// What `apply` prints as warnings and `apply --wait` fails with.
    public var waitingProblems: [String] {
        guard let status else { return [] }
        if status.reason == CreateWaits.unschedulableReason { return ["Unschedulable: \(status.message ?? "")"] }
        var lines: [String] = []
        for container in status.initContainers + status.containers {
            guard case let .waiting(reason, message) = container.state, Self.problemReasons.contains(reason) else { continue }
            lines.append("container \(container.name): \(reason)" + (message.map { ": \($0)" } ?? ""))
        }
        // The mount failures of a wait still on (their events stay once the pod runs).
        let waiting = status.phase == "Pending" && !status.sandboxReady
        let mounts = waiting ? status.events.filter { $0.reason == "FailedMount" }.map { "FailedMount: \($0.message)" } : []
        return lines + mounts.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    /// A container waits in `ErrImageNeverPull`: no retry can pull the image, only the
    /// user can load it (what `apply --wait` fails at once for).
    public var waitsForANeverPullImage: Bool {
        guard let status else { return false }
        return (status.initContainers + status.containers).contains { container in
            if case .waiting(reason: "ErrImageNeverPull", _) = container.state { return true }
            return false
        }
    }

    static let problemReasons: Set<String> = ["CreateContainerConfigError", "ErrImageNeverPull", "ErrImagePull", "ImagePullBackOff", "InvalidImageName"]
}
