import PodModel

extension CreateWaits {
    /// The pod status reason podctl records for a pod the scheduler would not place; the
    /// API object shows it as `PodScheduled: False` (PodView+API), the phase as Pending.
    public static let unschedulableReason = "Unschedulable"

    /// The status of a waiting pod, as far as a kubelet gets: an unscheduled pod has no
    /// container statuses; a failed volume mount leaves every container ContainerCreating
    /// (its config is never generated); otherwise the containers whose config failed wait
    /// in `CreateContainerConfigError` with the kubelet's message, init containers first
    /// (the app containers behind a waiting init container are PodInitializing).
    /// `previous` keeps the events and start time of an earlier wait, so a retry that
    /// fails again counts its events up, as the kubelet's recorder does.
    public func status(for pod: Pod, previous: PodStatusRecord?) -> PodStatusRecord {
        var status = PodStatusRecord()
        status.events = previous?.events ?? []
        status.startTime = previous?.startTime
        status.phase = "Pending"
        if !unschedulable.isEmpty {
            status.reason = Self.unschedulableReason
            status.message = unschedulable.joined(separator: " ")
            for message in unschedulable { status.record(.warning, "FailedScheduling", message) }
            return status
        }
        // The kubelet sets startTime when it takes the pod, before volumes and containers.
        if status.startTime == nil { status.startTime = Clock.rfc3339() }
        let problems = failedMounts.isEmpty ? Dictionary(containers.map { ($0.container, $0.message) }, uniquingKeysWith: { first, _ in first }) : [:]
        let inits = pod.spec?.initContainers ?? []
        // Only the first init container that cannot start is tried; the rest wait behind it.
        let blockingInit = inits.firstIndex { problems[$0.name ?? ""] != nil }
        func record(_ container: Container, initializing: Bool, problems: [String: String]) -> ContainerStatusRecord {
            var record = ContainerStatusRecord(name: container.name ?? "", image: container.image ?? "", imageID: "")
            if let message = problems[record.name] {
                record.state = .waiting(reason: "CreateContainerConfigError", message: message)
            } else if initializing {
                record.state = .waiting(reason: "PodInitializing", message: nil)
            }
            return record
        }
        status.initContainers = inits.enumerated().map { index, container in
            record(container, initializing: blockingInit.map { index > $0 } ?? false, problems: problems)
        }
        // Behind init containers that have not run, app containers are PodInitializing.
        let behindInits = blockingInit != nil || (!inits.isEmpty && !failedMounts.isEmpty)
        status.containers = (pod.spec?.containers ?? []).map { container in
            behindInits ? record(container, initializing: true, problems: [:]) : record(container, initializing: false, problems: problems)
        }
        for mount in failedMounts { status.record(.warning, "FailedMount", mount) }
        let initNames = Set(inits.compactMap(\.name))
        for problem in containers where failedMounts.isEmpty {
            let object = "spec.\(initNames.contains(problem.container) ? "initContainers" : "containers"){\(problem.container)}"
            status.record(.warning, "Failed", "Error: \(problem.message)", object: object)
        }
        return status
    }
}
