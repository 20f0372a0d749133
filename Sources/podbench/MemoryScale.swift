import Foundation
import Glibc

extension Bench {
    /// Sums the memory of the processes a system adds, by role.
    func overheadMemory(_ system: PodSystem) -> (total: Memory, roles: [String: Memory], counts: [String: Int]) {
        var roles: [String: Memory] = [:]
        var counts: [String: Int] = [:]
        var total = Memory()
        for (role, pid) in system.overhead() {
            let memory = ProcFS.memory(pid)
            roles[role, default: Memory()] = roles[role, default: Memory()] + memory
            counts[role, default: 0] += 1
            total = total + memory
        }
        return (total, roles, counts)
    }

    /// Waits until neither system has transient processes (Podman's `container cleanup`,
    /// podctl's pod-helper) and memory is what the pods keep: at most 5 s.
    func settle() {
        // Steady state: a second for what each system does once after a start (conmon's
        // and the supervisor's first status writes; the supervisor unmaps its start-up
        // code 0.25 s after its start notice, ImageRelease), then no transient process.
        Clock.nap(1)
        let deadline = Clock.now() + 5
        let transient = ["podman", "pod-helper", "crun"]
        while Clock.now() < deadline {
            let busy = ProcFS.allPIDs().contains { pid in
                transient.contains(ProcFS.comm(pid) ?? "") && ProcFS.namespace("net", of: pid) == BenchNamespace.net && ProcFS.alive(pid)
            }
            if !busy { break }
            Clock.nap(0.02)
        }
    }

    /// Memory per 3-container pod at 1, 20 and 100 pods: both systems' pods side by side,
    /// applied one by one, interleaved.
    func memory() throws {
        let count = options.memoryPods
        let checkpoints = Set([1, 20, count].filter { $0 <= count })
        var files: [String: [String]] = [:]
        for i in 1...count {
            for system in systems(i) {
                let port = (system === podctl ? 30000 : 31000) + i
                let file = try manifest("mem-\(system.name)-\(i)", Manifests.webPod("mem\(i)", port: port))
                try system.apply(file: file)
                try system.waitRunning(pods: ["mem\(i)"], deadline: Clock.now() + 60)
                files[system.name, default: []].append(file)
            }
            guard checkpoints.contains(i) else { continue }
            settle()
            for system in systems(i) {
                let (total, roles, counts) = overheadMemory(system)
                // #15: at most 1x at one pod, 0.5x at 100 (the 20-pod checkpoint held to the same).
                record("PSS per pod at \(i) pod\(i == 1 ? "" : "s")", "MiB", .atMost(i == 1 ? 1 : 0.5), system: system, total.pss / 1024 / Double(i))
                record("RSS per pod at \(i) pod\(i == 1 ? "" : "s")", "MiB", .none, system: system, total.rss / 1024 / Double(i))
                if i == 1 {
                    memoryRoles[system.name] = roles
                    memoryCounts[system.name] = counts
                    if system === podctl, let supervisor = system.overhead().first(where: { $0.role == "pod-supervisor" }) {
                        supervisorDirty = ProcFS.dirtyByMapping(supervisor.pid)
                    }
                }
            }
            let key = "PSS per pod at \(i) pod\(i == 1 ? "" : "s")"
            say("  \(i) pods: PSS per pod podctl \(Figure.format(figures[key]?.podctl.last ?? 0)) MiB, Podman \(Figure.format(figures[key]?.podman.last ?? 0)) MiB")
        }
        for i in 0..<count {
            for system in systems(i) {
                let seconds = try deleteUntilGone(system, file: files[system.name]![i], pod: "mem\(i + 1)")
                record("delete pod → every process gone, with up to \(count) pods", "ms", .atMost(0.1), system: system, seconds * 1000)
            }
        }
    }

    /// 100 one-container pods with a hostPort each: one at a time (time of each apply until
    /// running, memory per pod every 10 pods, for the plot), then all from one file.
    func scale() throws {
        let count = options.scale
        var files: [String: [String]] = [:]
        for i in 1...count {
            for system in systems(i) {
                let port = (system === podctl ? 32000 : 33000) + i
                let file = try manifest("scale-\(system.name)-\(i)", Manifests.smallPod("scale\(i)", port: port))
                let t0 = Clock.now()
                try system.apply(file: file)
                try system.waitRunning(pods: ["scale\(i)"], deadline: t0 + 60)
                scaleSeconds[system.name, default: []].append(Clock.now() - t0)
                files[system.name, default: []].append(file)
            }
            if i == 1 || i % 10 == 0 {
                settle()
                for system in systems(i) { scaleMemory[system.name, default: []].append((i, overheadMemory(system).total.pss / 1024 / Double(i))) }
                say("  \(i) pods")
            }
        }
        let bucket = max(1, count / 10)
        for system in systems(0) {
            let seconds = scaleSeconds[system.name]!
            for value in seconds.prefix(bucket) { record("scale, one at a time: s per pod, first \(bucket) pods", "ms", system: system, value * 1000) }
            for value in seconds.suffix(bucket) { record("scale, one at a time: s per pod, last \(bucket) pods", "ms", system: system, value * 1000) }
            let growth = (Figure.median(Array(seconds.suffix(bucket))) ?? 0) / (Figure.median(Array(seconds.prefix(bucket))) ?? 1)
            record("scale, one at a time: last / first \(bucket) pods (median)", "×", .podctlAtMost(1.2), system: system, growth)
        }
        for i in 0..<count {
            for system in systems(i) { try system.delete(file: files[system.name]![i], pods: ["scale\(i + 1)"]) }
        }

        for system in systems(1) {
            let pods = (1...count).map { "bulk\($0)" }
            let text = pods.enumerated().map { Manifests.smallPod($1, port: (system === podctl ? 34000 : 35000) + $0 + 1) }.joined(separator: "---\n")
            let file = try manifest("bulk-\(system.name)", text)
            let t0 = Clock.now()
            try system.apply(file: file)
            try system.waitRunning(pods: pods, deadline: t0 + 300)
            record("scale, \(count) pods from one file: apply → running, per pod", "ms", system: system, (Clock.now() - t0) * 1000 / Double(count))
            settle()
            let t1 = Clock.now()
            try system.delete(file: file, pods: pods)
            record("scale, \(count) pods from one file: delete, per pod", "ms", system: system, (Clock.now() - t1) * 1000 / Double(count))
        }
    }
}
