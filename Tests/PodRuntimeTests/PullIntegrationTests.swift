import Foundation
import Glibc
import PodTestSupport
import Testing

/// imagePullPolicy at apply, against a real registry (Debian's docker-registry) run
/// inside the harness's network namespace, so it can have a fixed port on 127.0.0.1.
@Suite(.serialized) struct PullIntegrationTests {
    static func pod(_ name: String, image: String, policy: String? = nil) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: \(image)
        \(policy.map { "    imagePullPolicy: \($0)" } ?? "")
            command: [sleep, "3600"]
        """
    }

    @Test(.needsRoot) func neverWithAMissingImageIsErrImageNeverPull() throws {
        let harness = try Harness()
        // As a kubelet: the pod is created and waits (D58); apply warns and exits 0.
        let result = try harness.run(["apply", "-f", "-"], stdin: Self.pod("never", image: "127.0.0.1:5000/absent:1", policy: "Never"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Warning: pod/never: container main: ErrImageNeverPull: Container image \"127.0.0.1:5000/absent:1\" is not present with pull policy of Never"), "\(result.stderr)")
        #expect(try harness.run(["get", "pods"]).stdout.contains("ErrImageNeverPull"))
        let described = try harness.run(["describe", "pod", "never"]).stdout
        #expect(described.contains("ErrImageNeverPull"), "\(described)")
        let waited = try harness.run(["apply", "--wait", "--timeout=20s", "-f", "-"], stdin: Self.pod("never", image: "127.0.0.1:5000/absent:1", policy: "Never"))
        #expect(waited.status == 1)
        #expect(waited.stderr.contains("ErrImageNeverPull"), "\(waited.stderr)")
        try harness.run(["delete", "pod", "never"])
    }

    @Test(.needsRoot, .requires(NamespacedRegistry.available, "needs docker-registry and skopeo (deploy/deps.sh)"))
    func aFailedPullBacksOffWithTheRegistrysMessageThenThePodStarts() throws {
        let registry = try NamespacedRegistry(harness: Harness())
        let harness = registry.harness
        let image = "127.0.0.1:5000/later:1"
        let applied = try registry.podctl(["apply", "-f", "-"], stdin: Self.pod("later", image: image))
        #expect(applied.status == 0, "\(applied.stderr)")
        let first = try harness.run(["get", "pods"]).stdout
        #expect(first.contains("ErrImagePull") || first.contains("ImagePullBackOff"), "\(first)")
        try harness.waitFor("ImagePullBackOff") { try harness.run(["get", "pods"]).stdout.contains("ImagePullBackOff") }
        let described = try harness.run(["describe", "pod", "later"]).stdout
        #expect(described.contains("Reason:       ImagePullBackOff") || described.contains("ImagePullBackOff"), "\(described)")
        #expect(described.contains("Failed to pull image \"\(image)\""), "\(described)")
        #expect(described.contains("manifest unknown"), "\(described)")
        #expect(described.contains("Back-off pulling image \"\(image)\""), "\(described)")

        try registry.push(as: "later:1")
        try harness.waitFor("the pod to start after the image was pushed", seconds: 40) { try harness.containerPID("later", "main") != nil }
        #expect(try harness.run(["get", "pods"]).stdout.contains("Running"))
        // The pull's events stay with the pod once its supervisor runs it.
        let started = try harness.run(["describe", "pod", "later"]).stdout
        for event in ["Pulling image \"\(image)\"", "Successfully pulled image \"\(image)\"", "Back-off pulling image \"\(image)\"", "Failed to pull image", "Started"] {
            #expect(started.contains(event), "\(event) in \(started)")
        }
        #expect(try harness.run(["delete", "pod", "later"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/lib/pods/default/later"))
    }

    /// Gone, or a zombie (this machine's PID 1 does not reap the orphans it inherits).
    static func ended(_ pid: Int) -> Bool {
        guard kill(pid_t(pid), 0) == 0 else { return true }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true
    }

    @Test(.needsRoot, .requires(NamespacedRegistry.available, "needs docker-registry and skopeo (deploy/deps.sh)"))
    func aWaitingPodIsReplacedByApplyAndStoppedByDeleteLeavingNothing() throws {
        let registry = try NamespacedRegistry(harness: Harness())
        let harness = registry.harness
        let manifest = Self.pod("waiting", image: "127.0.0.1:5000/never-pushed:1")
        #expect(try registry.podctl(["apply", "-f", "-"], stdin: manifest).status == 0)
        let first = try #require(try harness.status("waiting")["supervisorPID"] as? Int)
        #expect(kill(pid_t(first), 0) == 0, "the retrying process runs")

        #expect(!(try harness.run(["get", "pods"]).stdout.contains("<unknown>")), "a waiting pod has an age")
        let again = try registry.podctl(["apply", "-f", "-"], stdin: manifest)
        #expect(again.stdout.contains("pod/waiting unchanged"), "\(again.stdout) \(again.stderr)")
        #expect(try #require(try harness.status("waiting")["supervisorPID"] as? Int) == first)

        // A changed manifest replaces the waiting pod: the old retrying process goes.
        let changed = manifest.replacingOccurrences(of: "\"3600\"", with: "\"3601\"")
        let reapplied = try registry.podctl(["apply", "-f", "-"], stdin: changed)
        #expect(reapplied.stdout.contains("pod/waiting configured"), "\(reapplied.stdout) \(reapplied.stderr)")
        try harness.waitFor("the first retrying process to end") { Self.ended(first) }
        let second = try #require(try harness.status("waiting")["supervisorPID"] as? Int)
        #expect(second != first)

        #expect(try harness.run(["delete", "pod", "waiting"]).status == 0)
        try harness.waitFor("the second retrying process to end") { Self.ended(second) }
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/lib/pods/default/waiting"))
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/run/pods/default/waiting"))
    }

    @Test(.needsRoot, .requires(NamespacedRegistry.available, "needs docker-registry and skopeo (deploy/deps.sh)"))
    func twoPodsAppliedAtOnceFetchEachLayerOnce() throws {
        let registry = try NamespacedRegistry(harness: Harness())
        let harness = registry.harness
        try registry.push(as: "shared:1")
        let image = "127.0.0.1:5000/shared:1"
        let group = DispatchGroup()
        let results = ResultBox()
        for name in ["one", "two"] {
            group.enter()
            DispatchQueue.global().async {
                let result = try? registry.podctl(["apply", "-f", "-"], stdin: Self.pod(name, image: image))
                results.add(result?.status ?? -1)
                group.leave()
            }
        }
        group.wait()
        #expect(results.all == [0, 0])
        try harness.waitForRunning("one", containers: ["main"])
        try harness.waitForRunning("two", containers: ["main"])
        let inspect = try harness.run(["image", "inspect", image])
        let record = (try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [[String: Any]])?.first ?? [:]
        let layers = (record["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String }
        #expect(!layers.isEmpty, "\(inspect.stdout)")
        for layer in layers {
            #expect(registry.log.components(separatedBy: "\"GET /v2/shared/blobs/\(layer) ").count - 1 == 1)
        }
        try harness.run(["delete", "pod", "one", "two"])
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int32] = []
    func add(_ value: Int32) { lock.withLock { values.append(value) } }
    var all: [Int32] { lock.withLock { values } }
}

/// docker-registry on 127.0.0.1:5000 inside a harness's network namespace, with its
/// config and storage under the harness's directory; stopped by PID.
final class NamespacedRegistry: @unchecked Sendable {
    let harness: Harness
    let process: Process
    let directory: String

    /// Whether docker-registry and skopeo are installed (deploy/deps.sh installs them).
    static var available: Bool {
        ["/usr/bin/docker-registry", "/usr/bin/skopeo"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(harness: Harness) throws {
        self.harness = harness
        directory = harness.base + "/registry"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = """
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: \(directory)/storage
            http:
              addr: 127.0.0.1:5000
            """
        try config.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: directory + "/registry.log", contents: nil)
        let log = FileHandle(forWritingAtPath: directory + "/registry.log")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["-t", String(harness.holder), "-n", "--", "/usr/bin/docker-registry", "serve", directory + "/config.yml"]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try harness.waitFor("the registry to listen") {
            try harness.run(["/usr/bin/curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:5000/v2/"], podctl: false).status == 0
        }
    }

    deinit {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    var log: String { (try? String(contentsOfFile: directory + "/registry.log", encoding: .utf8)) ?? "" }

    func push(as name: String) throws {
        let archive = try Harness.testImages() + "/busybox-docker.tar"
        let result = try harness.run(["/usr/bin/skopeo", "copy", "--quiet", "--insecure-policy", "--dest-tls-verify=false",
                                      "docker-archive:" + archive, "docker://127.0.0.1:5000/" + name], podctl: false)
        guard result.status == 0 else { throw HarnessError("skopeo push failed: \(result.stderr)") }
    }

    /// podctl with a private credential file and a one-second first back-off.
    func podctl(_ arguments: [String], stdin: String? = nil) throws -> Harness.Result {
        try harness.run(["/usr/bin/env", "REGISTRY_AUTH_FILE=\(harness.base)/auth.json", "PODCTL_IMAGE_BACKOFF=1", Harness.binary] + arguments,
                        stdin: stdin, podctl: false)
    }
}
