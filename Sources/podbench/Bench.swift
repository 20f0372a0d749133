import Foundation
import Glibc

/// The inner process, inside the holder's namespaces: sets both systems up, runs the
/// phases interleaved (podctl, Podman, Podman, podctl, …), and reports.
final class Bench {
    let options: Options
    let work: String
    let registry: Registry
    let podctl: Podctl
    let podman: Podman
    var figures: [String: Figure] = [:]
    var order: [String] = []
    var notes: [String] = []
    var memoryRoles: [String: [String: Memory]] = [:]
    var memoryCounts: [String: [String: Int]] = [:]
    var supervisorDirty: [(String, Double)] = []
    var scaleSeconds: [String: [Double]] = [:]
    var scaleMemory: [String: [(Int, Double)]] = [:]
    /// The CRI phase's figures (podctl-cri in `podctl`, containerd in `podman`), their
    /// order, and the two runtimes' names and versions.
    var criFigures: [String: Figure] = [:]
    var criOrder: [String] = []
    var criVersions: [String] = []
    /// The rootless phase's figures (podctl in `podctl`, rootless Podman in `podman`),
    /// their order, and memory by process role at each checkpoint (pods, table).
    var rootlessFigures: [String: Figure] = [:]
    var rootlessOrder: [String] = []
    var rootlessRoles: [(Int, [RootlessRole: (count: Int, memory: Memory)])] = []
    let started = Date()
    var loadStart = ""

    init(options: Options) throws {
        self.options = options
        guard let work = options.work else { throw BenchError("--inner needs --work") }
        self.work = work
        registry = Registry(path: work + "/pids")
        podctl = Podctl(binary: try Self.podctlBinary(options), work: work, registry: registry)
        podman = try Podman(work: work, registry: registry)
        try FileManager.default.createDirectory(atPath: work + "/manifests", withIntermediateDirectories: true)
    }

    static func podctlBinary(_ options: Options) throws -> String {
        if let given = options.podctl { return given }
        let own = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let beside = (own as NSString).deletingLastPathComponent + "/podctl"
        guard FileManager.default.isExecutableFile(atPath: beside) else { throw BenchError("no podctl beside \(own); build the package or pass --podctl") }
        return beside
    }

    /// The systems in the order of run `i`: alternating, so neither always goes first.
    func systems(_ i: Int) -> [PodSystem] { i % 2 == 0 ? [podctl, podman] : [podman, podctl] }

    func record(_ name: String, _ unit: String, _ target: Figure.Target = .none, system: PodSystem, _ value: Double) {
        if figures[name] == nil { figures[name] = Figure(name, unit, target: target); order.append(name) }
        if system === podctl { figures[name]!.podctl.append(value) } else { figures[name]!.podman.append(value) }
    }

    func manifest(_ name: String, _ text: String) throws -> String {
        let path = "\(work)/manifests/\(name).yaml"
        try Manifests.write(text, to: path)
        return path
    }

    func run() throws {
        loadStart = ProcFS.read("/proc/loadavg")?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        defer { cleanUp() }
        try prepare()
        let phases: [(String, () throws -> Void)] = [
            ("lifecycle", lifecycle), ("memory", memory), ("scale", scale), ("logs", logs), ("cri", cri), ("rootless", rootless),
        ]
        for (phase, body) in phases where options.phases.contains(phase) {
            say("== \(phase)")
            do { try body() } catch {
                notes.append("The \(phase) phase stopped early: \(error)")
                say("podbench: \(phase) phase failed: \(error)")
                podctl.removeAll()
                podman.removeAll()
            }
        }
        try Report(bench: self).write()
    }

    /// Loads the same busybox image into both, then applies and deletes one pod in each
    /// untimed, so Podman's first play (pause image, kube network) is not a sample.
    func prepare() throws {
        let archive = try Self.testImage()
        try podctl.loadImage(archive)
        try podman.loadImage(archive)
        for system in systems(0) { try warmUp(system, name: "warmup-\(system.name)", port: system === podctl ? 17080 : 17081) }
    }

    /// One pod applied until it runs and deleted, untimed; `running` sees its processes.
    func warmUp(_ system: PodSystem, name: String, port: Int, running: () -> Void = {}) throws {
        let file = try manifest(name, Manifests.webPod("warmup", port: port))
        try system.apply(file: file)
        try system.waitRunning(pods: ["warmup"], deadline: Clock.now() + 60)
        running()
        try system.delete(file: file, pods: ["warmup"])
    }

    static func testImage() throws -> String {
        let directory = "/tmp/podctl-test-images"
        let archive = directory + "/busybox-docker.tar"
        if FileManager.default.fileExists(atPath: archive) { return archive }
        try Spawn.check(["sh", try repository() + "/deploy/images/build-test-images.sh", directory])
        return archive
    }

    /// The checkout podbench was built in (its deploy/ scripts build the images).
    static func repository() throws -> String {
        let own = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var repository = (own as NSString).deletingLastPathComponent
        while !FileManager.default.fileExists(atPath: repository + "/deploy/images/build-test-images.sh") {
            guard repository != "/" else { throw BenchError("no deploy/images beside \(own): run the podbench of a checkout") }
            repository = (repository as NSString).deletingLastPathComponent
        }
        return repository
    }

    func cleanUp() {
        podctl.removeAll()
        podman.removeAll()
        let left = podctl.overhead().count + podman.overhead().count
        if left > 0 { notes.append("\(left) pod processes were still there after the cleanup; the outer process killed them") }
    }

    func waitGone(_ pids: [pid_t], deadline: Double) throws {
        while pids.contains(where: ProcFS.alive) {
            guard Clock.now() < deadline else { throw BenchError("processes \(pids.filter(ProcFS.alive)) still alive after delete") }
            Clock.nap(0.0005)
        }
    }
}
