import Foundation
import PodCgroups
import PodPlan

/// One reading of a running pod's cgroups: the pod's (pause and every container) and
/// each container's, for `podctl top`.
public struct PodUsageReading: Sendable {
    public let pod: CgroupUsage
    /// By container name, in the pod's order; containers not running are absent.
    public let containers: [(name: String, usage: CgroupUsage)]
    /// When the reading was taken (monotonic seconds).
    public let time: Double
}

extension PodView {
    /// Reads the pod's usage now; nil when the pod does not run or has no cgroups.
    public func readUsage() -> PodUsageReading? {
        guard supervisorAlive, let hierarchy = hostCgroups,
              let plan = try? RunPlan.read(from: paths.runPlan),
              let layout = plan.cgroups?.layout,
              let pod = hierarchy.cgroup(layout.pod).usage() else { return nil }
        let running = Set(((status?.containers ?? []) + (status?.initContainers ?? [])).filter { $0.pid != nil }.map(\.name))
        var containers: [(String, CgroupUsage)] = []
        for container in plan.allContainers where running.contains(container.name) {
            if let usage = hierarchy.cgroup(layout.container(container.name)).usage() { containers.append((container.name, usage)) }
        }
        return PodUsageReading(pod: pod, containers: containers, time: Clock.monotonic())
    }
}

/// CPU as the metrics pipeline reports it: the CPU time used between two readings over
/// the time between them, in millicores (1000m is one core busy for the whole interval).
public func millicores(from first: CgroupUsage, to second: CgroupUsage, seconds: Double) -> Int64 {
    guard seconds > 0, second.cpuNanoseconds >= first.cpuNanoseconds else { return 0 }
    return Int64((Double(second.cpuNanoseconds - first.cpuNanoseconds) / (seconds * 1e9) * 1000).rounded())
}
