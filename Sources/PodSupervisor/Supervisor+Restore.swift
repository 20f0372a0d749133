import PodOS
import PodPlan

/// The two ends of `podctl restore` in the supervisor: the status it keeps in the state
/// root (status.json lives in the run root, which a reboot empties, and restore must
/// know after a reboot which pods had finished), and the state a restored pod takes over.
extension Supervisor {
    /// Copies the status last written to status.json (its bytes, kept by writeStatus) to
    /// `last-status.json` in the pod's state directory when what
    /// restore reads of it changed (phase, each container's state and restart count):
    /// a few writes per container start and exit, not one per probe. Called at the top
    /// of the supervisor's loop and when it ends, after the start notice and the control
    /// replies went out: the fsynced write is off apply's and the CRI calls' path, and
    /// still done before the supervisor waits for anything else.
    func flushDurableStatus() {
        guard let data = pendingDurableStatus else { return }
        pendingDurableStatus = nil
        if deleting { return }
        let fingerprint = DurableStatus.fingerprint(status)
        guard fingerprint != durableFingerprint else { return }
        do {
            try AtomicFile.write(data, to: plan.lastStatusPath, mode: 0o600)
            durableFingerprint = fingerprint
        } catch {
            log("supervisor: cannot write \(plan.lastStatusPath): \(error) (restore after a reboot may not know this pod's phase)")
        }
    }

    /// A pod started by restore: each container's next attempt continues its restart
    /// count (so its log goes to a new `<restart>.log`, the earlier ones kept) and shows
    /// the lost instance as its last state; the pod's events go on.
    func takeOverRestoredState() {
        guard let restored = plan.restored else { return }
        status.events = restored.events
        for index in containers.indices {
            guard let carried = restored.containers[containers[index].plan.name] else { continue }
            pod.containers[index].carryOver(restartCount: carried.restartCount)
            updateStatus(index) {
                $0.restartCount = carried.restartCount
                $0.lastState = carried.lastState
            }
        }
    }
}

public enum DurableStatus {
    /// The part of a status restore decides on.
    public static func fingerprint(_ status: PodStatusRecord) -> String {
        let containers = (status.initContainers + status.containers).map { container -> String in
            let state = switch container.state {
            case .waiting: "w"
            case .running: "r"
            case let .terminated(code, _, _, _, _, _): "t\(code)"
            }
            return "\(container.name):\(container.restartCount):\(state)"
        }
        return ([status.phase, status.reason ?? "", "\(status.stopped)"] + containers).joined(separator: ",")
    }
}

extension RunPlan {
    /// `last-status.json` beside the pod's logs, in the state root (PodPaths.lastStatus).
    var lastStatusPath: String { Files.dirname(of: logDirectory) + "/last-status.json" }
}
