// Standard library only (see ContainerLifecycle.swift).

import PodPlan

/// Ordering and phase: init containers one by one, a sidecar counting as done once it has
/// started (and kept running), regular containers together once every init container is
/// done (KEP-753; the kubelet's computePodActions); the phase as `getPhase` computes it.
extension PodLifecycle {
    /// The starts the pod is ready for now; marks them starting.
    mutating func advance() -> [Action] {
        guard sandboxReady, !stopping else { return [] }
        while nextInit < initCount {
            let container = containers[nextInit]
            if container.role == .sidecar {
                if container.state == .waiting { return markStarting([nextInit]) }
                guard container.isRunning && container.started else { return [] }
                nextInit += 1
                continue
            }
            if case let .terminated(end) = container.state, end.exitCode == 0 { nextInit += 1; continue }
            return container.state == .waiting ? markStarting([nextInit]) : []
        }
        guard !initDone else { return [] }
        initDone = true
        return markStarting(containers.indices.filter { containers[$0].role == .regular && containers[$0].state == .waiting })
    }

    private mutating func markStarting(_ indices: [Int]) -> [Action] {
        for index in indices { containers[index].state = .starting }
        return indices.isEmpty ? [] : [.start(indices)]
    }

    /// Pending until the init containers are done (Failed if one failed for good);
    /// then Running while any regular container runs or will restart, Succeeded or
    /// Failed once all have terminated for good. Frozen while the pod stops.
    mutating func updatePhase() {
        guard !stopping else { return }
        if !initDone {
            let failedInit = containers.contains { container in
                guard container.role == .initContainer, case let .terminated(end) = container.state else { return false }
                return end.exitCode != 0
            }
            phase = failedInit ? .failed : .pending
            return
        }
        var ends: [Termination] = []
        for container in containers where container.role == .regular {
            guard case let .terminated(end) = container.state else { phase = .running; return }
            ends.append(end)
        }
        phase = ends.allSatisfy { $0.exitCode == 0 } ? .succeeded : .failed
    }

    /// A container joins the running sandbox, after the others (CRI knows no init
    /// containers: the kubelet orders them itself). It starts at once once the init
    /// containers are done, unless the kubelet decides (`.never`: it asks for the start).
    mutating func add(name: String) -> [Action] {
        containers.append(ContainerLifecycle(name: name, role: .regular))
        guard mode != .never, initDone else { return [] }
        return markStarting([containers.count - 1])
    }

    /// A container that is down leaves; a running one must be stopped first (as CRI's
    /// RemoveContainer wants), so that is refused with no action.
    mutating func remove(_ index: Int) -> [Action] {
        guard containers.indices.contains(index), !containers[index].isRunning, containers[index].state != .starting else { return [] }
        containers.remove(at: index)
        if index < nextInit { nextInit -= 1 }
        return [.forget(index)]
    }

    /// Under `.never` the kubelet starts each container itself (CRI StartContainer).
    public mutating func requestStart(_ index: Int) -> [Action] {
        guard sandboxReady, !stopping, !containers[index].isRunning, containers[index].state != .starting else { return [] }
        return markStarting([index])
    }
}
