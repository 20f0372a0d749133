/// The kubelet's restart back-off (CrashLoopBackOff): the first restart is immediate,
/// then 10 s, doubling, capped at 300 s; a container that ran cleanly for 10 minutes
/// starts over (kubernetes/pkg/kubelet/kuberuntime: `doBackOff`, flowcontrol.Backoff).

import PodPlan
public struct Backoff: Equatable, Sendable {
    public static let initial: Double = 10
    public static let maximum: Double = 300
    public static let resetAfter: Double = 600

    /// The delay the next restart waits; nil before the first failure.
    public private(set) var current: Double?

    public init() {}

    /// Called when the container stops; `ranFor` is how long it ran. Returns how long to
    /// wait before the restart.
    public mutating func delay(afterRunning ranFor: Double) -> Double {
        if ranFor >= Self.resetAfter { current = nil }
        guard let previous = current else {
            current = Self.initial
            return 0
        }
        current = min(previous * 2, Self.maximum)
        return previous
    }
}
