import Foundation
import Glibc

/// The rootless phase (issue #18): podctl and rootless Podman run by the same ordinary
/// user, side by side and interleaved, on the lifecycle phase's 3-container pod with a
/// hostPort of 1024 or above: apply → HTTP, exec, delete, and memory per pod at 1 and N
/// pods counting each system's rootless processes (RootlessRoles). The user, its state,
/// Podman's storage, the uplink and the tun node are the phase's and go at its end.
extension Bench {
    static let rootlessRunning = "rootless: apply 3-container pod → all running"
    static let rootlessHTTP = "rootless: apply 3-container pod → hostPort answers HTTP"
    static let rootlessNextHTTP = "rootless: apply → hostPort answers HTTP, the user's 2nd…Nth pod"
    static let rootlessExec = "rootless: exec <ctr> true"
    static let rootlessDelete = "rootless: delete pod → every process gone"

    func rootless() throws {
        let base = "/run/podbench-rootless"
        let host = try RootlessHost(directory: base + "/host")
        defer {
            notes += host.tearDown()
            try? FileManager.default.removeItem(atPath: base)
        }
        let user = try BenchUser(directory: work + "/rootless", runtimeBase: base + "/user")
        defer { notes += user.tearDown() }
        let ours = Podctl(binary: podctl.binary, user: user, registry: registry)
        let theirs = try Podman(user: user, registry: registry)
        defer {
            ours.removeAll()
            theirs.removeAll()
            stopPodmanPause(user)
        }
        func pair(_ i: Int) -> [PodSystem] { i % 2 == 0 ? [ours, theirs] : [theirs, ours] }
        let archive = try Self.testImage()
        try ours.loadImage(archive)
        try theirs.loadImage(archive)
        // Untimed: Podman builds its pause image and both make their user network once.
        for system in pair(0) {
            try warmUp(system, name: "rootless-warmup-\(system.name)", port: system === ours ? 17180 : 17181) { registry.note(user.processes()) }
        }
        for run in 0..<options.runs {
            for system in pair(run) { try rootlessCycle(system, isPodctl: system === ours, user: user) }
            say("  run \(run + 1)/\(options.runs): " + [Self.rootlessHTTP, Self.rootlessExec, Self.rootlessDelete].map { name in
                let f = rootlessFigures[name]
                return String(format: "%.0f/%.0f ms", f?.podctl.last ?? .nan, f?.podman.last ?? .nan)
            }.joined(separator: "  "))
        }
        try rootlessMemory(pair, ours: ours, user: user)
    }

    /// One pod, the user's only one: apply until the hostPort answers on 127.0.0.1 (the
    /// forwarder listens in the benchmark's namespace, where podctl and Podman were run),
    /// execs, delete until every process of the pod is gone.
    func rootlessCycle(_ system: PodSystem, isPodctl: Bool, user: BenchUser) throws {
        let port = isPodctl ? 19080 : 19081
        let file = try manifest("rootless-web-\(system.name)", Manifests.webPod("web", port: port))
        let (running, answered) = try applyUntilAnswering(system, file: file, pod: "web", port: port)
        registry.note(user.processes())
        recordRootless(Self.rootlessRunning, isPodctl: isPodctl, running * 1000)
        recordRootless(Self.rootlessHTTP, isPodctl: isPodctl, answered * 1000)
        for _ in 0..<options.execRuns {
            let t0 = Clock.now()
            try system.exec(pod: "web", container: "side1")
            recordRootless(Self.rootlessExec, isPodctl: isPodctl, (Clock.now() - t0) * 1000)
        }
        recordRootless(Self.rootlessDelete, isPodctl: isPodctl, try deleteUntilGone(system, file: file, pod: "web") * 1000)
    }

    /// The same pods applied one at a time, both systems' side by side (each on its own
    /// hostPort), memory of every counted process at 1 pod and at N.
    func rootlessMemory(_ pair: (Int) -> [PodSystem], ours: Podctl, user: BenchUser) throws {
        let count = options.rootlessPods
        var files: [ObjectIdentifier: [String]] = [:]
        for i in 1...count {
            for system in pair(i) {
                let port = (system === ours ? 36000 : 37000) + i
                let file = try manifest("rootless-mem-\(system.name)-\(i)", Manifests.webPod("mem\(i)", port: port))
                let answered = try applyUntilAnswering(system, file: file, pod: "mem\(i)", port: port).answered
                // The user network (podctl's holder and pasta; Podman's pause process and
                // rootless netns) is up from the first pod on: these applies pay no start of it.
                if i > 1 { recordRootless(Self.rootlessNextHTTP, isPodctl: system === ours, answered * 1000) }
                files[ObjectIdentifier(system), default: []].append(file)
            }
            registry.note(user.processes())
            guard i == 1 || i == count else { continue }
            rootlessSettle(user)
            let samples = rootlessSamples(user)
            for system in pair(0) {
                let isPodctl = system === ours
                let memory = RootlessRoles.perPod(samples, system: system.name, pods: i)
                let suffix = "at \(i) pod\(i == 1 ? "" : "s")"
                recordRootless("rootless: PSS per pod \(suffix)", unit: "MiB", isPodctl: isPodctl, memory.pss)
                recordRootless("rootless: RSS per pod \(suffix)", unit: "MiB", isPodctl: isPodctl, memory.rss)
            }
            rootlessRoles.append((i, RootlessRoles.byRole(samples)))
            let key = "rootless: PSS per pod at \(i) pod\(i == 1 ? "" : "s")"
            say("  \(i) pods: PSS per pod podctl \(Figure.format(rootlessFigures[key]?.podctl.last ?? 0)) MiB, Podman \(Figure.format(rootlessFigures[key]?.podman.last ?? 0)) MiB")
        }
        for i in 0..<count {
            for system in pair(i) { _ = try deleteUntilGone(system, file: files[ObjectIdentifier(system)]![i], pod: "mem\(i + 1)") }
        }
    }

    /// Podman keeps its rootless pause process (catatonit -P, which holds the user's user
    /// and mount namespaces) after the last pod, by design; the phase started it and stops
    /// it by the PID Podman wrote, if that is still the user's catatonit.
    func stopPodmanPause(_ user: BenchUser) {
        let file = user.runtime + "/libpod/tmp/pause.pid"
        guard let text = ProcFS.read(file), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
              ProcFS.realUID(pid) == user.uid, ProcFS.comm(pid) == "catatonit" else { return }
        kill(pid, SIGKILL)
        // SIGKILL is delivered when the process next runs: on a loaded machine the user's
        // teardown would otherwise still find it alive and count it as left behind.
        try? waitGone([pid], deadline: Clock.now() + 5)
    }

    /// The user's processes as /proc shows them now.
    func userProcesses(_ user: BenchUser) -> [UserProcess] {
        user.processes().compactMap { pid in
            guard let comm = ProcFS.comm(pid), let parent = ProcFS.parent(pid) else { return nil }
            return UserProcess(pid: pid, parent: parent, comm: comm, arguments: ProcFS.arguments(pid))
        }
    }

    /// Waits (at most 5 s) until no process of the user only passes through: Podman's
    /// `container cleanup`, crun, a pod-helper at work.
    func rootlessSettle(_ user: BenchUser) {
        let deadline = Clock.now() + 5
        while Clock.now() < deadline, RootlessRoles.classify(userProcesses(user)).values.contains(.transient) { Clock.nap(0.02) }
    }

    /// Memory of every counted process; a process neither system is known to leave is
    /// named in a note (it is not counted, and the rows may miss it).
    func rootlessSamples(_ user: BenchUser) -> [(RootlessRole, Memory)] {
        let processes = userProcesses(user)
        let verdicts = RootlessRoles.classify(processes)
        var samples: [(RootlessRole, Memory)] = []
        for process in processes {
            switch verdicts[process.pid] {
            case .counted(let role)?: samples.append((role, ProcFS.memory(process.pid)))
            case .unknown?:
                let note = "rootless: a process of the user that neither system is known to run was not counted: \(process.comm) (\(process.arguments.prefix(3).joined(separator: " ")))"
                if !notes.contains(note) { notes.append(note) }
            default: break
            }
        }
        return samples
    }

    func recordRootless(_ name: String, unit: String = "ms", isPodctl: Bool, _ value: Double) {
        if rootlessFigures[name] == nil {
            rootlessFigures[name] = Figure(name, unit)
            rootlessOrder.append(name)
        }
        if isPodctl { rootlessFigures[name]!.podctl.append(value) } else { rootlessFigures[name]!.podman.append(value) }
    }
}
