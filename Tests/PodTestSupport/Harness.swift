import Foundation
import Glibc
import PodCgroups
import Testing

/// Integration tests run the real podctl as root inside a throwaway network and mount
/// namespace (a holder process entered with nsenter: `ip netns exec` would remount /sys),
/// with their own state roots, so nothing touches the machine's network, mounts or
/// podctl state. The tests carry `.needsRoot`: without root they show as skipped.
public final class Harness: @unchecked Sendable {
    private let namespaces: NamespaceHolder
    public var holder: pid_t { namespaces.pid }
    public let base: String
    public let images: String
    /// More variables for every podctl this harness runs (e.g. PODCTL_DNS_UPSTREAM).
    public var environment: [String: String] = [:]
    /// Every pod of this harness has its cgroups under this root (PODCTL_CGROUP_ROOT),
    /// removed with the harness: tests never meet each other's cgroups or a real install's.
    public var cgroupRoot: String { "/podctl-test-" + (base as NSString).lastPathComponent }

    public init() throws {
        // Under CI=true `.needsRoot` runs the tests anyway: say why they fail.
        guard getuid() == 0 else { throw HarnessError("integration tests need root (namespaces, mounts, cgroups)") }
        base = try Self.temporaryDirectory()
        images = base + "/images"
        namespaces = try NamespaceHolder(["--net", "--mount", "--propagation", "private"])
        _ = try run(["ip", "link", "set", "lo", "up"], podctl: false)
    }

    deinit {
        namespaces.stop()
        // The harness's own cgroup root, with whatever a failed test left in it.
        if let hierarchy = CgroupHierarchy.detect() { try? hierarchy.cgroup(cgroupRoot).destroy() }
        try? FileManager.default.removeItem(atPath: base)
    }

    public typealias Result = CommandResult

    /// Runs podctl (or another program) inside the holder's namespaces with the test's roots.
    @discardableResult
    public func run(_ arguments: [String], stdin: String? = nil, podctl: Bool = true) throws -> Result {
        let entered = ["-t", String(holder), "-n", "-m", "--"] + (podctl ? [Self.binary] : []) + arguments
        return try Command.run("/usr/bin/nsenter", entered, environment: podctlEnvironment, stdin: stdin)
    }

    /// Applies a manifest given as text and expects success.
    public func apply(_ manifest: String) throws {
        let result = try run(["apply", "-f", "-"], stdin: manifest)
        guard result.status == 0 else { throw HarnessError("apply failed (\(result.status)): \(result.stderr)") }
    }

    /// Loads the busybox test image once per harness (built by deploy/images/build-test-images.sh).
    public func loadBusybox() throws {
        let archive = try Self.testImages() + "/busybox-docker.tar"
        let result = try run(["image", "load", "-i", archive])
        guard result.status == 0 else { throw HarnessError("image load failed: \(result.stderr)") }
    }

    /// The supervisor's status record of a pod, as JSON.
    public func status(_ pod: String) throws -> [String: Any] {
        let path = "\(base)/run/pods/default/\(pod)/status.json"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// A container's status record (app or init container), empty when it has none.
    public func containerRecord(_ pod: String, _ container: String) throws -> [String: Any] {
        let status = try status(pod)
        let all = ((status["containers"] as? [[String: Any]]) ?? []) + ((status["initContainers"] as? [[String: Any]]) ?? [])
        return all.first { $0["name"] as? String == container } ?? [:]
    }

    public func containerPID(_ pod: String, _ container: String) throws -> pid_t? {
        (try containerRecord(pod, container)["pid"] as? Int).map { pid_t($0) }
    }

    /// Waits for a condition with a deadline; never a fixed sleep as the wait.
    /// A condition that throws counts as not holding yet.
    public func waitFor(_ what: String, seconds: Double = 20, _ condition: () throws -> Bool) throws {
        try waitUntil(what, timeout: seconds) { (try? condition()) == true }
    }

    public func waitForRunning(_ pod: String, containers: [String]) throws {
        try waitFor("\(pod) running") { try containers.allSatisfy { try containerPID(pod, $0) != nil } }
    }

    /// The podctl of this build: PODCTL_BINARY, or beside the test bundle in the build directory.
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["PODCTL_BINARY"] { return path }
        return built("podctl") ?? bundle.appendingPathComponent("podctl").path
    }

    /// A program of this build beside the test bundle, in its parent, or in `directories`.
    public static func built(_ name: String, orIn directories: [String] = []) -> String? {
        ([bundle, bundle.deletingLastPathComponent()] + directories.map { URL(fileURLWithPath: $0) })
            .map { $0.appendingPathComponent(name).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static var bundle: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }

    public static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The test images, built once per machine into /tmp (the script is idempotent).
    public static func testImages() throws -> String {
        let directory = NSTemporaryDirectory() + "podctl-test-images"
        if FileManager.default.fileExists(atPath: directory + "/busybox-docker.tar") { return directory }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repository.appendingPathComponent("deploy/images/build-test-images.sh").path, directory]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("deploy/images/build-test-images.sh failed") }
        return directory
    }

    public static func temporaryDirectory() throws -> String { try TemporaryDirectory.make("podctl-it") }

    /// Inode of a namespace of a process, e.g. `net:[4026532327]`.
    public static func namespace(_ kind: String, of pid: pid_t) -> String? { NamespaceHolder.namespace(kind, of: pid) }

    /// What a test failure should show of processes found where none should be: each
    /// one's PID, name, state and cgroups, to tell a dying process from a lost one.
    public static func describe(_ pids: [pid_t]) -> String {
        pids.map { pid in
            let read = { (file: String) in ((try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8)) ?? "?").trimmingCharacters(in: .whitespacesAndNewlines) }
            let state = read("status").split(separator: "\n").first { $0.hasPrefix("State:") } ?? "State: ?"
            return "\(pid) \(read("comm")) \(state) cgroups: \(read("cgroup").replacingOccurrences(of: "\n", with: " "))"
        }.joined(separator: "; ")
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Harness {
    /// Starts a long-lived program inside the holder's namespaces (a server, a second
    /// namespace holder); the caller stops it by PID.
    public func start(_ arguments: [String], namespaces: [String] = ["-n", "-m"], of target: pid_t? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["-t", String(target ?? holder)] + namespaces + ["--"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs a program in another process's network namespace (an outside client's).
    @discardableResult
    public func run(_ arguments: [String], inNetworkOf pid: pid_t) throws -> Result {
        try run(["nsenter", "-t", String(pid), "-n", "--"] + arguments, podctl: false)
    }
}

/// A process that stops itself (by PID) when the test is done with it.
public final class Stopper {
    public let process: Process
    public init(_ process: Process) { self.process = process }
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
