import Foundation
import Glibc

/// The CRI phase: podctl-cri against containerd (runc), both driven by the same crictl
/// calls, interleaved run by run, as issue #16 asks: a sandbox with two containers up,
/// an exec into one (streaming and ExecSync), the sandbox stopped and removed. Each figure
/// is the wall time of the crictl processes, so both pay crictl's own start alike.
extension Bench {
    static let criUp = "CRI: runp + 2 × create + 2 × start"
    static let criExec = "CRI: crictl exec <ctr> true"
    static let criExecSync = "CRI: crictl exec -s <ctr> true (ExecSync)"
    static let criDown = "CRI: stopp + rmp"
    /// The floor under every row: crictl's own start and one trivial RPC (Version).
    static let criFloor = "CRI: crictl version (the floor of one call)"
    /// Each row less the floor once per crictl call in it, the floor (each cycle's first
    /// call) measured in the same run: what the runtime itself adds to crictl's start (a Go binary of
    /// 30-odd MiB that connects and reads the runtime's Version before every call), which
    /// neither runtime controls and which leaves ExecSync 3 ms of a 0.5x budget here.
    static let criBeyondFloor: [(row: String, calls: Double, name: String)] = [
        (criUp, 5, "CRI: runp + 2 × create + 2 × start, less 5 × the floor"),
        (criExec, 1, "CRI: crictl exec <ctr> true, less the floor"),
        (criExecSync, 1, "CRI: ExecSync, less the floor"),
        (criDown, 2, "CRI: stopp + rmp, less 2 × the floor"),
    ]

    func cri() throws {
        let crictl = try Self.crictlBinary(options)
        let pauseImage = work + "/podbench-pause.tar"
        try Spawn.check(["sh", try Self.repository() + "/deploy/images/build-pause-image.sh", pauseImage, try Self.beside("pod-pause", podctl.binary)])
        let ours = try PodctlCRI(binary: try Self.beside("podctl-cri", podctl.binary), podctl: podctl, work: work, crictl: crictl, registry: registry)
        defer { ours.removeAll(); ours.shutDown() }
        let theirs = try Containerd(work: work, crictl: crictl, registry: registry, images: [pauseImage, try Self.testImage()])
        defer { theirs.removeAll(); theirs.shutDown() }
        criVersions = [try ours.crictl(["version"]), try theirs.crictl(["version"])]
            .map { $0.split(separator: "\n").filter { $0.hasPrefix("RuntimeName") || $0.hasPrefix("RuntimeVersion") }.map { $0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") }
        for name in [Self.criUp, Self.criExec, Self.criExecSync, Self.criDown, Self.criFloor] + Self.criBeyondFloor.map(\.name) where criFigures[name] == nil {
            criFigures[name] = Figure(name, "ms", target: name == Self.criFloor ? .none : .atMost(0.5))
            criOrder.append(name)
        }
        for run in 0..<options.runs {
            let endpoints: [CRIEndpoint] = run % 2 == 0 ? [ours, theirs] : [theirs, ours]
            for endpoint in endpoints {
                try criCycle(endpoint, run: run, isPodctl: endpoint === ours)
            }
            say("  run \(run + 1)/\(options.runs): " + [Self.criUp, Self.criExec, Self.criExecSync, Self.criDown].map { name in
                let f = criFigures[name]
                return String(format: "%.0f/%.0f ms", f?.podctl.last ?? .nan, f?.podman.last ?? .nan)
            }.joined(separator: "  "))
        }
        recordBeyondFloor()
    }

    func criCycle(_ endpoint: CRIEndpoint, run: Int, isPodctl: Bool) throws {
        let (pod, first, second) = try criConfigs(endpoint, run: run)
        criTimed(Self.criFloor, endpoint, isPodctl: isPodctl, ["version"])
        let start = Clock.now()
        let sandbox = try endpoint.crictl(["runp", pod])
        let a = try endpoint.crictl(["create", sandbox, first, pod])
        let b = try endpoint.crictl(["create", sandbox, second, pod])
        try endpoint.crictl(["start", a])
        try endpoint.crictl(["start", b])
        recordCRI(Self.criUp, isPodctl: isPodctl, (Clock.now() - start) * 1000)
        criTimed(Self.criExec, endpoint, isPodctl: isPodctl, ["exec", a, "true"])
        criTimed(Self.criExecSync, endpoint, isPodctl: isPodctl, ["exec", "-s", a, "true"])
        let stopping = Clock.now()
        try endpoint.crictl(["stopp", sandbox])
        try endpoint.crictl(["rmp", sandbox])
        recordCRI(Self.criDown, isPodctl: isPodctl, (Clock.now() - stopping) * 1000)
    }

    /// Every sample of a row less the system's median floor of the phase once per call: one
    /// crictl start's own jitter (24 to 63 ms in one loaded run) would swamp a row of one call.
    func recordBeyondFloor() {
        for isPodctl in [true, false] {
            let samples = { (name: String) in isPodctl ? self.criFigures[name]?.podctl ?? [] : self.criFigures[name]?.podman ?? [] }
            guard let floor = Figure.median(samples(Self.criFloor)) else { continue }
            for (row, calls, name) in Self.criBeyondFloor {
                for value in samples(row) { recordCRI(name, isPodctl: isPodctl, value - calls * floor) }
            }
        }
    }

    /// A call that may fail on one system without ending the phase (an RPC it does not
    /// serve): noted once, with the error, and no sample (nil).
    @discardableResult
    func criTimed(_ figure: String, _ endpoint: CRIEndpoint, isPodctl: Bool, _ arguments: [String]) -> Double? {
        let start = Clock.now()
        do {
            try endpoint.crictl(arguments)
            let elapsed = (Clock.now() - start) * 1000
            recordCRI(figure, isPodctl: isPodctl, elapsed)
            return elapsed
        } catch {
            let note = "\(figure) failed against \(endpoint.name)"
            if !notes.contains(where: { $0.hasPrefix(note) }) { notes.append(note + " (no sample; the first error): \(error)") }
            return nil
        }
    }

    /// The sandbox (fresh metadata each run: containerd reserves names until removal) and
    /// two busybox containers sleeping, as the lifecycle phase's pod does.
    func criConfigs(_ endpoint: CRIEndpoint, run: Int) throws -> (String, String, String) {
        let pod = """
            {"metadata": {"name": "bench-\(run)", "namespace": "podbench", "uid": "podbench-\(run)", "attempt": 0},
             "log_directory": "\(endpoint.directory)/logs/\(run)", "linux": {}}
            """
        func container(_ name: String) -> String {
            """
            {"metadata": {"name": "\(name)"}, "image": {"image": "localhost/busybox:1"},
             "command": ["sleep", "3600"], "log_path": "\(name).log", "linux": {}}
            """
        }
        let base = "\(endpoint.directory)/run-\(run)"
        try pod.write(toFile: base + "-pod.json", atomically: true, encoding: .utf8)
        try container("first").write(toFile: base + "-first.json", atomically: true, encoding: .utf8)
        try container("second").write(toFile: base + "-second.json", atomically: true, encoding: .utf8)
        return (base + "-pod.json", base + "-first.json", base + "-second.json")
    }

    func recordCRI(_ name: String, isPodctl: Bool, _ value: Double) {
        if isPodctl { criFigures[name]!.podctl.append(value) } else { criFigures[name]!.podman.append(value) }
    }

    /// crictl is not packaged in Debian 12: `--crictl PATH`, else the first on PATH.
    static func crictlBinary(_ options: Options) throws -> String {
        if let given = options.crictl { return given }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(directory) + "/crictl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BenchError("the cri phase needs crictl (kubernetes-sigs/cri-tools v1.32, not packaged in Debian 12): put it on PATH or pass --crictl PATH")
    }

    static func beside(_ product: String, _ podctl: String) throws -> String {
        let path = (podctl as NSString).deletingLastPathComponent + "/" + product
        guard FileManager.default.isExecutableFile(atPath: path) else { throw BenchError("no \(product) beside \(podctl); build it (deploy/bench.sh does)") }
        return path
    }
}
