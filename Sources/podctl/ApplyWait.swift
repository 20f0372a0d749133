import Foundation
import PodCore
import PodModel
import PodOS
import PodRuntime
import PodStore

/// `podctl apply --wait`: returns when every applied pod is Ready, or fails (exit 1) at
/// the timeout, or as soon as a pod can no longer become Ready (it ended), with the
/// reason of each pod that is not Ready: its containers' waiting reasons, or the last
/// probe failure.
struct ApplyWait {
    let context: Context
    let keys: [PodKey]
    let seconds: Double

    func run() throws(PodError) {
        let deadline = monotonicSeconds() + seconds
        var pending = keys
        while true {
            var ended: [String] = []
            var still: [PodKey] = []
            for key in pending {
                guard let view = try context.manager.view(key) else { still.append(key); continue }
                if view.condition("Ready") == "True" { continue }
                still.append(key)
                let phase = view.phase
                if phase == "Failed" || phase == "Succeeded" { ended.append("pod/\(key.name) \(phase.lowercased()): \(view.notReadyReason)") }
                // Waiting for something only the user can give (D58): no wait brings it.
                else if context.manager.isWaitingToCreate(key) || view.waitsForANeverPullImage {
                    ended.append("pod/\(key.name) waits: \(view.waitingProblems.joined(separator: "; "))")
                }
            }
            pending = still
            if pending.isEmpty { return }
            if !ended.isEmpty { throw PodError(.notReady, "a pod cannot become Ready: " + ended.joined(separator: "; ")) }
            if monotonicSeconds() >= deadline {
                let reasons = pending.map { key in "pod/\(key.name): \((try? context.manager.view(key)).flatMap { $0 }.map(\.notReadyReason) ?? "not found")" }
                throw PodError(.notReady, "timed out after \(GoDuration.human(seconds)) waiting for Ready: " + reasons.joined(separator: "; "))
            }
            usleep(50_000)
        }
    }
}
