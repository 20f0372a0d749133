import Foundation
import Glibc

/// One of the two systems under test, driven through its own command line.
protocol PodSystem: AnyObject {
    var name: String { get }
    /// Applies a manifest file (one or more pods).
    func apply(file: String) throws
    /// Returns when every container of `pods` has a running process (podctl's apply returns
    /// once the supervisor is started; Podman's kube play once crun started them).
    func waitRunning(pods: [String], deadline: Double) throws
    func exec(pod: String, container: String) throws
    /// Deletes the pods of a manifest file.
    func delete(file: String, pods: [String]) throws
    /// Every process of a pod that this system runs (its own and the workloads).
    func processes(of pod: String) throws -> [pid_t]
    /// The container's main workload process now (nil while it is being restarted).
    func workload(of pod: String, container: String) -> pid_t?
    /// The processes this system adds per pod (not the workloads), each with its role,
    /// over every pod it runs in the benchmark's namespace.
    func overhead() -> [(role: String, pid: pid_t)]
    /// The process that writes the container's log, and the log files oldest first.
    func logger(of pod: String, container: String) throws -> (pid: pid_t, files: [String])
    /// Removes every pod this system still has; collects errors and goes on.
    func removeAll()
    func version() -> String
}

extension PodSystem {
    /// Polls until the workload is a live process other than `old` running `command`.
    func waitNewWorkload(pod: String, container: String, old: pid_t, command: String, deadline: Double) throws {
        while Clock.now() < deadline {
            if let pid = workload(of: pod, container: container), pid != old, ProcFS.comm(pid) == command, ProcFS.alive(pid) { return }
            Clock.nap(0.0005)
        }
        throw BenchError("\(name): \(pod)/\(container) was not restarted within the deadline")
    }

    /// The container's workload once it exists: podctl records pod-init a moment before
    /// pod-init has forked the workload.
    func waitWorkload(pod: String, container: String, deadline: Double) throws -> pid_t {
        while true {
            if let pid = workload(of: pod, container: container) { return pid }
            guard Clock.now() < deadline else { throw BenchError("\(name): no workload process for \(pod)/\(container)") }
            Clock.nap(0.001)
        }
    }

    /// Every descendant of `roots`, the roots included.
    static func withDescendants(_ roots: [pid_t]) -> [pid_t] {
        var all: [pid_t] = []
        var queue = roots
        while let pid = queue.popLast() {
            guard pid > 0, !all.contains(pid) else { continue }
            all.append(pid)
            queue += ProcFS.children(pid)
        }
        return all
    }
}

/// The holder's network namespace: processes of the systems are found in it, never outside.
enum BenchNamespace {
    static let net = ProcFS.namespace("net", of: getpid()) ?? "?"

    /// Processes in the benchmark's network namespace named `comm`.
    static func processes(named comm: String) -> [pid_t] {
        ProcFS.allPIDs().filter { ProcFS.comm($0) == comm && ProcFS.namespace("net", of: $0) == net && ProcFS.alive($0) }
    }
}
