import Foundation
import Glibc

/// podctl with its own state roots (PODCTL_ROOT / PODCTL_RUN_ROOT), as the tests run it.
final class Podctl: PodSystem {
    let name = "podctl"
    let binary: String
    let root: String
    let runRoot: String
    let environment: [String: String]
    let registry: Registry
    /// What runs podctl: nothing for root, setpriv for the rootless phase's user.
    let launcher: [String]

    init(binary: String, work: String, registry: Registry) {
        self.binary = binary
        root = work + "/podctl/lib"
        // The run root on the tmpfs over /run in the holder, as the default /run/podctl:
        // status writes are fsync'd, which costs nothing on tmpfs and a disk flush elsewhere.
        runRoot = "/run/podctl-bench"
        // A subnet of its own, away from Podman's 10.88/16 and 10.89.0/24.
        environment = ["PODCTL_ROOT": root, "PODCTL_RUN_ROOT": runRoot, "PODCTL_SUBNET": "10.77.0.0/16"]
        self.registry = registry
        launcher = []
    }

    /// podctl as the rootless phase's user, on the user's own roots (D64: XDG_DATA_HOME
    /// and XDG_RUNTIME_DIR), its pods in the user network (D65).
    init(binary: String, user: BenchUser, registry: Registry) {
        self.binary = binary
        root = user.data + "/podctl"
        runRoot = user.runtime + "/podctl"
        environment = user.environment
        self.registry = registry
        launcher = user.asUser
    }

    func command(_ arguments: [String]) throws { try Spawn.check(launcher + [binary] + arguments, environment: environment) }

    func loadImage(_ archive: String) throws { try command(["image", "load", "-i", archive]) }

    func apply(file: String) throws { try command(["apply", "-f", file]) }

    func exec(pod: String, container: String) throws { try command(["exec", pod, "-c", container, "--", "true"]) }

    func delete(file: String, pods: [String]) throws { try command(["delete", "-f", file]) }

    func status(_ pod: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: "\(runRoot)/pods/default/\(pod)/status.json") else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    func containers(_ status: [String: Any]) -> [[String: Any]] { status["containers"] as? [[String: Any]] ?? [] }

    func running(_ pod: String) -> Bool {
        guard let status = status(pod) else { return false }
        let all = containers(status)
        return !all.isEmpty && all.allSatisfy { ($0["state"] as? [String: Any])?["running"] != nil && $0["pid"] != nil }
    }

    func waitRunning(pods: [String], deadline: Double) throws {
        var waiting = pods
        while !waiting.isEmpty {
            waiting.removeAll { running($0) }
            if waiting.isEmpty { return }
            guard Clock.now() < deadline else { throw BenchError("podctl: \(waiting.prefix(3)) not running before the deadline") }
            Clock.nap(0.0005)
        }
    }

    func initPID(_ pod: String, _ container: String) -> pid_t? {
        guard let status = status(pod) else { return nil }
        return (containers(status).first { $0["name"] as? String == container }?["pid"] as? Int).map { pid_t($0) }
    }

    /// The workload is pod-init's child (docs/runtime.md).
    func workload(of pod: String, container: String) -> pid_t? {
        initPID(pod, container).flatMap { ProcFS.children($0).first }
    }

    func processes(of pod: String) throws -> [pid_t] {
        guard let status = status(pod) else { throw BenchError("podctl: no status for \(pod)") }
        let own = [status["supervisorPID"], status["pausePID"]].compactMap { ($0 as? Int).map { pid_t($0) } }
        let inits = containers(status).compactMap { ($0["pid"] as? Int).map { pid_t($0) } }
        let all = Self.withDescendants(own + inits)
        registry.note(all)
        return all
    }

    /// The supervisors in the bench namespace and their pause and init children.
    func overhead() -> [(role: String, pid: pid_t)] {
        var found: [(String, pid_t)] = []
        for supervisor in BenchNamespace.processes(named: "pod-supervisor") {
            found.append(("pod-supervisor", supervisor))
            // pod-init runs from a descriptor (execveat), so its comm is a number: a child
            // that is neither pause nor a passing pod-helper is a container's init.
            for child in ProcFS.children(supervisor) where ProcFS.alive(child) {
                switch ProcFS.comm(child) {
                case "pod-pause": found.append(("pod-pause", child))
                case "pod-helper", nil: break
                default: found.append(("pod-init", child))
                }
            }
        }
        return found
    }

    func logger(of pod: String, container: String) throws -> (pid: pid_t, files: [String]) {
        guard let supervisor = status(pod)?["supervisorPID"] as? Int else { throw BenchError("podctl: no supervisor for \(pod)") }
        let current = "\(root)/pods/default/\(pod)/logs/\(container)/0.log"
        // Rotated copies: .k is older than .k-1 (docs/logs.md), so the oldest comes first.
        let rotated = (1...9).reversed().map { "\(current).\($0)" }.filter { FileManager.default.fileExists(atPath: $0) }
        return (pid_t(supervisor), rotated + [current])
    }

    func removeAll() {
        let directory = "\(runRoot)/pods/default"
        for pod in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            if let result = try? Spawn.run(launcher + [binary, "delete", "pod", pod, "--now", "--ignore-not-found"], environment: environment), !result.ok {
                say("cleanup: podctl delete pod \(pod): \(result.stderr)")
            }
        }
    }

    func version() -> String {
        let git = (try? Spawn.run(["git", "-C", (binary as NSString).deletingLastPathComponent, "describe", "--always", "--dirty"]))?.stdout
        return "podctl " + (git?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?")
    }
}
