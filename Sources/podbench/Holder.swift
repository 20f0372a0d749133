import Foundation
import Glibc

/// The throwaway namespaces the whole benchmark runs in: a holder process in a new network
/// and mount namespace (unshare, entered with nsenter, as Tests/PodRuntimeTests/Harness.swift
/// does), so no bridge, NAT rule, netns bind mount or /run file of either system reaches
/// the machine's own namespaces.
final class Holder {
    let pid: pid_t
    let work: String

    init(work: String) throws {
        self.work = work
        pid = try Spawn.start(["unshare", "--net", "--mount", "--propagation", "private", "sleep", "infinity"])
        let own = ProcFS.namespace("net", of: getpid())
        let deadline = Clock.now() + 10
        while ProcFS.namespace("net", of: pid) == own || ProcFS.comm(pid) != "sleep" {
            guard Clock.now() < deadline else { throw BenchError("the namespace holder did not start") }
            Clock.nap(0.002)
        }
        try inside(["ip", "link", "set", "lo", "up"])
        // Podman and crun keep state in /run (/run/containers, /run/libpod, /run/crun, the
        // pods' /run/netns bind mounts): a tmpfs over /run in the private mount namespace
        // takes all of it and goes away with the holder.
        try inside(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"])
        try hideHybridControllers()
    }

    /// crun refuses cgroup "hybrid" mode when the v2 hierarchy owns a controller (here
    /// hugetlb). Only inside the private mount namespace, an empty file hides that list.
    func hideHybridControllers() throws {
        let controllers = "/sys/fs/cgroup/unified/cgroup.controllers"
        let listed = (ProcFS.read(controllers) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !listed.isEmpty else { return }
        let empty = work + "/empty-controllers"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        try inside(["mount", "--bind", empty, controllers])
        say("podbench: hid the cgroup v2 controllers [\(listed)] from crun inside the benchmark's mount namespace")
    }

    @discardableResult
    func inside(_ argv: [String]) throws -> CommandResult {
        try Spawn.check(["nsenter", "-t", String(pid), "-n", "-m", "--"] + argv)
    }

    /// Every process in the holder's network namespace: the supervisors, conmons,
    /// aardvark-dns and the inner benchmark, all started by the benchmark.
    func processesInNamespace() -> [pid_t] {
        guard let net = ProcFS.namespace("net", of: pid) else { return [] }
        return ProcFS.allPIDs().filter { $0 != pid && ProcFS.namespace("net", of: $0) == net && ProcFS.alive($0) }
    }

    /// Kills what is left (the registry's processes, then the namespace's), then the holder.
    func tearDown(registry: Registry) {
        let leftovers = registry.killLeftovers()
        let inNamespace = processesInNamespace()
        for process in inNamespace { kill(process, SIGKILL) }
        if leftovers + inNamespace.count > 0 {
            say("podbench: killed \(leftovers) leftover pod processes and \(inNamespace.count) processes in the benchmark's namespace")
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
