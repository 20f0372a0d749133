import Foundation
import Glibc
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import PodCRIProtocol
import PodTestSupport
import Testing

/// The container RPCs and ExecSync of the built podctl-cri in the harness's namespaces:
/// containers join a running sandbox one at a time, the kubelet (the test) starts and
/// stops them, nothing restarts them, exit codes and reasons, logs at the kubelet's path
/// in the CRI format, ExecSync's output, exit code and timeout, the idempotence rules, a
/// daemon SIGKILL, and nothing left after RemovePodSandbox.
@Suite(.serialized, .needsRoot, CRIDaemon.built) struct ContainerTests {
    typealias Runtime = Runtime_V1_RuntimeService.Client<HTTP2ClientTransport.Posix>

    static func sandbox(_ runtime: Runtime, logs: String) async throws -> String {
        var config = SandboxTests.config("box")
        config.logDirectory = logs
        return try await SandboxTests.run(runtime, config)
    }

    /// A busybox container of `sandbox` running `command`: what every CRI test's create
    /// starts from, before it adds its own fields.
    static func request(sandbox: String, name: String, command: [String]) -> Runtime_V1_CreateContainerRequest {
        var request = Runtime_V1_CreateContainerRequest()
        request.podSandboxID = sandbox
        request.config.metadata.name = name
        request.config.image.image = "localhost/busybox:1"
        request.config.command = command
        return request
    }

    static func create(_ runtime: Runtime, sandbox: String, name: String, command: [String]) async throws -> String {
        var request = request(sandbox: sandbox, name: name, command: command)
        request.config.logPath = name + "/0.log"
        request.config.labels = ["role": name]
        request.config.envs = [{ var pair = Runtime_V1_KeyValue(); pair.key = "GREETING"; pair.value = "hello world"; return pair }()]
        return try await runtime.createContainer(request).containerID
    }

    static func start(_ runtime: Runtime, _ id: String) async throws {
        var request = Runtime_V1_StartContainerRequest()
        request.containerID = id
        _ = try await runtime.startContainer(request)
    }

    static func status(_ runtime: Runtime, _ id: String) async throws -> Runtime_V1_ContainerStatus {
        var request = Runtime_V1_ContainerStatusRequest()
        request.containerID = id
        return try await runtime.containerStatus(request).status
    }

    static func waitFor(_ runtime: Runtime, _ id: String, _ state: Runtime_V1_ContainerState) async throws -> Runtime_V1_ContainerStatus {
        var last = Runtime_V1_ContainerStatus()
        if try await eventually(within: 10, { last = try await status(runtime, id); return last.state == state }) { return last }
        throw HarnessError("container \(id) did not reach \(state): \(last)")
    }

    static func exec(_ runtime: Runtime, _ id: String, _ command: [String], timeout: Int64 = 10) async throws -> Runtime_V1_ExecSyncResponse {
        var request = Runtime_V1_ExecSyncRequest()
        request.containerID = id
        request.cmd = command
        request.timeout = timeout
        return try await runtime.execSync(request)
    }

    /// The container's PID, from the verbose status.
    static func pid(_ runtime: Runtime, _ id: String) async throws -> Int32 {
        var request = Runtime_V1_ContainerStatusRequest()
        request.containerID = id
        request.verbose = true
        let info = try await runtime.containerStatus(request).info["info"] ?? "{}"
        let object = try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any]
        return Int32((object?["pid"] as? Int) ?? 0)
    }

    /// Zombies that share `pid`'s PID namespace.
    /// The inode number of `path`, 0 when it cannot be read: a rewrite renames a new file in.
    static func inode(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    static func zombies(inPIDNamespaceOf pid: Int32) -> [String] {
        guard pid > 0, let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid") else { return ["no namespace of \(pid)"] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard Int32(entry) != nil, (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/ns/pid")) == namespace,
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let end = stat.range(of: ") ", options: .backwards) else { return false }
            return stat[end.upperBound...].hasPrefix("Z")
        }
    }

    static func list(_ runtime: Runtime, _ change: (inout Runtime_V1_ContainerFilter) -> Void = { _ in }) async throws -> [Runtime_V1_Container] {
        var request = Runtime_V1_ListContainersRequest()
        change(&request.filter)
        return try await runtime.listContainers(request).containers
    }

    @Test func containersRunExitLogAndExec() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        let harness = daemon.harness
        try harness.loadBusybox()
        let logs = daemon.directory.file("pod-logs")
        try await daemon.withClients { runtime, _ in
            let sandbox = try await Self.sandbox(runtime, logs: logs)
            let pods = daemon.root + "/pods/cri-test"
            let etc = try pods + "/" + #require(try FileManager.default.contentsOfDirectory(atPath: pods).first) + "/etc/"
            let etcFiles = ["hosts", "hostname", "resolv.conf"]
            let inodesBefore = etcFiles.map { Self.inode(etc + $0) }
            let failing = try await Self.create(runtime, sandbox: sandbox, name: "failing", command: ["sh", "-c", "echo out; echo err >&2; sleep 1; exit 3"])
            let done = try await Self.create(runtime, sandbox: sandbox, name: "done", command: ["sh", "-c", "echo $GREETING"])
            let sleeper = try await Self.create(runtime, sandbox: sandbox, name: "sleeper", command: ["sleep", "600"])
            // Each create plans the pod again; the /etc files it would write are the same
            // bytes, so they are left alone (no rename, no fsync: D74).
            #expect(etcFiles.map { Self.inode(etc + $0) } == inodesBefore && !inodesBefore.contains(0))
            let created = try await Self.status(runtime, failing)
            #expect(created.state == .containerCreated && created.createdAt > 0 && created.startedAt == 0)
            #expect(created.logPath == logs + "/failing/0.log")
            #expect(created.image.image == "localhost/busybox:1" && created.labels == ["role": "failing"])

            for id in [failing, done, sleeper] { try await Self.start(runtime, id) }
            let again = await rpcFailure { try await Self.start(runtime, done) }
            #expect(again != nil, "a container that ran does not start again")
            // The sleeper, not `failing`: that one may already have exited on a loaded machine.
            #expect(try await Self.status(runtime, sleeper).state == .containerRunning)

            let error = try await Self.waitFor(runtime, failing, .containerExited)
            #expect(error.exitCode == 3 && error.reason == "Error", "\(error)")
            #expect(error.startedAt > 0 && error.finishedAt >= error.startedAt)
            #expect(!error.imageRef.isEmpty)
            let completed = try await Self.waitFor(runtime, done, .containerExited)
            #expect(completed.exitCode == 0 && completed.reason == "Completed", "\(completed)")

            // Nothing restarts them: the kubelet decides. An absence needs a window: a
            // supervisor that restarted on its own would do it at once (the first restart
            // has no back-off), well within it. LifecycleMachineTests prove the rule itself.
            #expect(try await holdsThroughout(1) { try await Self.status(runtime, failing).state == .containerExited })
            let log = try String(contentsOfFile: logs + "/failing/0.log", encoding: .utf8)
            let lines = log.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 3).map(String.init) }
            #expect(lines.count == 2, "\(log)")
            #expect(lines.map { $0.dropFirst().joined(separator: " ") } == ["stdout F out", "stderr F err"], "\(log)")
            #expect(lines.allSatisfy { $0.first?.hasSuffix("Z") == true })
            #expect(try String(contentsOfFile: logs + "/done/0.log", encoding: .utf8).hasSuffix(" stdout F hello world\n"))

            // Lists and filters.
            #expect(try await Self.list(runtime).count == 3)
            #expect(try await Self.list(runtime) { $0.state.state = .containerRunning }.map(\.id) == [sleeper])
            #expect(try await Self.list(runtime) { $0.labelSelector = ["role": "done"] }.map(\.id) == [done])
            #expect(try await Self.list(runtime) { $0.podSandboxID = String(sandbox.prefix(8)) }.count == 3)
            #expect(try await Self.list(runtime) { $0.id = String(failing.prefix(12)) }.map(\.id) == [failing])

            // Stats from the cgroups: a running container has CPU time and memory; an
            // exited one only the timestamps.
            var statsRequest = Runtime_V1_ContainerStatsRequest()
            statsRequest.containerID = sleeper
            let running = try await runtime.containerStats(statsRequest).stats
            #expect(running.attributes.id == sleeper && running.attributes.labels == ["role": "sleeper"])
            #expect(running.cpu.timestamp > 0 && running.cpu.hasUsageCoreNanoSeconds && running.cpu.usageCoreNanoSeconds.value > 0)
            #expect(running.memory.hasWorkingSetBytes && running.memory.workingSetBytes.value > 0)
            var listStats = Runtime_V1_ListContainerStatsRequest()
            listStats.filter.labelSelector = ["role": "done"]
            let exited = try await runtime.listContainerStats(listStats).stats
            #expect(exited.map(\.attributes.id) == [done] && exited.first?.cpu.hasUsageCoreNanoSeconds == false && exited.first?.cpu.timestamp ?? 0 > 0)
            #expect(try await runtime.listContainerStats(Runtime_V1_ListContainerStatsRequest()).stats.count == 3)
            var sandboxStats = Runtime_V1_PodSandboxStatsRequest()
            sandboxStats.podSandboxID = sandbox
            let pod = try await runtime.podSandboxStats(sandboxStats).stats
            #expect(pod.attributes.id == sandbox && pod.linux.containers.count == 3)
            #expect(pod.linux.cpu.usageCoreNanoSeconds.value >= running.cpu.usageCoreNanoSeconds.value)
            #expect(pod.linux.memory.workingSetBytes.value > 0)
            #expect(try await runtime.listPodSandboxStats(Runtime_V1_ListPodSandboxStatsRequest()).stats.map(\.attributes.id) == [sandbox])
            // The same readings as metrics: the pod's own (container label empty) and the
            // running container's only.
            let metrics = try await runtime.listPodSandboxMetrics(Runtime_V1_ListPodSandboxMetricsRequest()).podMetrics
            #expect(metrics.map(\.podSandboxID) == [sandbox] && metrics.first?.containerMetrics.map(\.containerID) == [sleeper])
            let sleeperMetrics = metrics.first?.containerMetrics.first?.metrics ?? []
            #expect(sleeperMetrics.first { $0.name == "container_memory_working_set_bytes" }.map { $0.value.value > 0 && $0.labelValues.first == "sleeper" } == true, "\(sleeperMetrics)")
            #expect(sleeperMetrics.contains { $0.name == "container_start_time_seconds" && $0.value.value > 1_700_000_000 })
            #expect(metrics.first?.metrics.contains { $0.name == "container_memory_working_set_bytes" && $0.labelValues.first == "" && $0.value.value > 0 } == true)

            // ExecSync: output, exit code; a timeout kills the command and fails the call.
            let result = try await Self.exec(runtime, sleeper, ["sh", "-c", "echo hi; echo oops >&2; exit 7"])
            #expect(String(decoding: result.stdout, as: UTF8.self) == "hi\n" && String(decoding: result.stderr, as: UTF8.self) == "oops\n")
            #expect(result.exitCode == 7)
            let began = Date()
            let timeout = await rpcFailure { _ = try await Self.exec(runtime, sleeper, ["sleep", "30"], timeout: 1) }
            #expect(timeout?.code == .deadlineExceeded, "\(String(describing: timeout))")
            #expect(Date().timeIntervalSince(began) < 5)
            let sleeps = try harness.podProcesses().filter { (try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8)) == "sleep\u{0}30\u{0}" }
            #expect(sleeps.isEmpty, "the timed-out command was killed")
            // ... and reaped before the call returned: critest's `pgrep sleep` lists zombies.
            let sleeperPID = try await Self.pid(runtime, sleeper)
            #expect(Self.zombies(inPIDNamespaceOf: sleeperPID).isEmpty, "the timed-out command was reaped")
            let notRunning = await rpcFailure { _ = try await Self.exec(runtime, done, ["true"]) }
            #expect(notRunning != nil)

            // ReopenContainerLog: the kubelet renamed the file; a new one is written.
            let sleeperLog = logs + "/sleeper/0.log"
            try FileManager.default.moveItem(atPath: sleeperLog, toPath: sleeperLog + ".1")
            var reopen = Runtime_V1_ReopenContainerLogRequest()
            reopen.containerID = sleeper
            _ = try await runtime.reopenContainerLog(reopen)
            #expect(FileManager.default.fileExists(atPath: sleeperLog))
            reopen.containerID = done
            #expect(await rpcFailure { _ = try await runtime.reopenContainerLog(reopen) } != nil, "an exited container has no log to reopen")

            // Stop (grace, then SIGKILL), twice, and an unknown ID: all succeed.
            var stop = Runtime_V1_StopContainerRequest()
            stop.containerID = sleeper
            stop.timeout = 1
            _ = try await runtime.stopContainer(stop)
            #expect(try await Self.status(runtime, sleeper).state == .containerExited)
            _ = try await runtime.stopContainer(stop)
            stop.containerID = String(repeating: "e", count: 64)
            _ = try await runtime.stopContainer(stop)

            for id in [failing, done, sleeper, sleeper, String(repeating: "d", count: 64)] {
                var remove = Runtime_V1_RemoveContainerRequest()
                remove.containerID = id
                _ = try await runtime.removeContainer(remove)
            }
            #expect(try await Self.list(runtime).isEmpty)
            let gone = await rpcFailure { _ = try await Self.status(runtime, failing) }
            #expect(gone?.code == .notFound)
            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(remove)
        }
        #expect(try harness.podProcesses().isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: daemon.root + "/cri/containers")) ?? []).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: daemon.root + "/pods/cri-test")) ?? []).isEmpty)
    }

    /// A daemon SIGKILL and a new start: the container is still listed and running, one
    /// that exited while no daemon ran is reported EXITED with its code; RemovePodSandbox
    /// then takes the running container with it.
    @Test func containersSurviveADaemonKill() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        try daemon.harness.loadBusybox()
        let (sandbox, id, ending) = try await daemon.withClients { runtime, _ in
            let sandbox = try await Self.sandbox(runtime, logs: daemon.directory.file("pod-logs"))
            let id = try await Self.create(runtime, sandbox: sandbox, name: "kept", command: ["sleep", "600"])
            try await Self.start(runtime, id)
            let ending = try await Self.create(runtime, sandbox: sandbox, name: "ending", command: ["sh", "-c", "sleep 1; exit 3"])
            try await Self.start(runtime, ending)
            return (sandbox, id, ending)
        }
        kill(daemon.process.processIdentifier, SIGKILL)
        daemon.process.waitUntilExit()
        // The container ends while no daemon runs (its processes go); the supervisor records it.
        try daemon.harness.waitFor("the ending container's exit") {
            try daemon.harness.podProcesses().allSatisfy { pid in
                !((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("exit 3")
            }
        }
        try daemon.killAndRestart()
        try await daemon.withClients { runtime, _ in
            #expect(Set(try await Self.list(runtime).map(\.id)) == [id, ending])
            #expect(try await Self.status(runtime, id).state == .containerRunning)
            let ended = try await Self.waitFor(runtime, ending, .containerExited)
            #expect(ended.exitCode == 3 && ended.reason == "Error", "an exit while the daemon was down is reported afterwards")
            #expect(try await Self.exec(runtime, id, ["true"]).exitCode == 0)
            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(remove)
            #expect(try await Self.list(runtime).isEmpty)
        }
        #expect(try daemon.harness.podProcesses().isEmpty)
    }

    /// D82: CreateContainer prepares the container's process (cgroups, namespaces, root)
    /// and StartContainer lets it run: before the start it waits, in the container's
    /// cgroup, without having run anything; removed or with its sandbox stopped before the
    /// start, it goes and nothing of it is left; one whose program cannot be found fails
    /// the start, as before.
    @Test func aCreatedContainerIsPreparedAndRunsOnlyAtItsStart() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        let harness = daemon.harness
        try harness.loadBusybox()
        let logs = daemon.directory.file("pod-logs")
        func heldProcesses() throws -> [pid_t] {
            try harness.podProcesses().filter { (try? String(contentsOfFile: "/proc/\($0)/comm", encoding: .utf8)) == "pod-helper\n" }
        }
        try await daemon.withClients { runtime, _ in
            let sandbox = try await Self.sandbox(runtime, logs: logs)
            let held = try await Self.create(runtime, sandbox: sandbox, name: "held", command: ["sh", "-c", "echo ran; sleep 600"])
            #expect(try await eventually(within: 10) { try heldProcesses().count == 1 }, "the created container's process waits at its gate")
            #expect(try await holdsThroughout(1) { try await Self.status(runtime, held).state == .containerCreated })
            let log = logs + "/held/0.log"
            #expect(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").isEmpty, "nothing ran before the start")
            try await Self.start(runtime, held)
            #expect(try await Self.waitFor(runtime, held, .containerRunning).startedAt > 0)
            #expect(try await eventually(within: 10) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains(" stdout F ran") })
            #expect(try heldProcesses().isEmpty)

            let removed = try await Self.create(runtime, sandbox: sandbox, name: "removed", command: ["sh", "-c", "echo ran; sleep 600"])
            #expect(try await eventually(within: 10) { try heldProcesses().count == 1 })
            var remove = Runtime_V1_RemoveContainerRequest()
            remove.containerID = removed
            _ = try await runtime.removeContainer(remove)
            #expect(try await eventually(within: 10) { try heldProcesses().isEmpty }, "a container removed before its start leaves no process")
            #expect(((try? String(contentsOfFile: logs + "/removed/0.log", encoding: .utf8)) ?? "").isEmpty, "and it ran nothing")

            let missing = try await Self.create(runtime, sandbox: sandbox, name: "missing", command: ["/no/such/program"])
            let failure = await rpcFailure { try await Self.start(runtime, missing) }
            #expect(failure?.message.contains("/no/such/program") == true, "\(String(describing: failure))")
            let ended = try await Self.status(runtime, missing)
            #expect(ended.state == .containerExited && ended.exitCode == 128 && ended.reason == "StartError", "\(ended)")

            _ = try await Self.create(runtime, sandbox: sandbox, name: "never", command: ["sh", "-c", "echo ran; sleep 600"])
            #expect(try await eventually(within: 10) { try heldProcesses().count == 1 })
            var stop = Runtime_V1_StopPodSandboxRequest()
            stop.podSandboxID = sandbox
            _ = try await runtime.stopPodSandbox(stop)
            #expect(try harness.podProcesses().isEmpty, "a sandbox stopped with a created container leaves no process")
            var removeSandbox = Runtime_V1_RemovePodSandboxRequest()
            removeSandbox.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(removeSandbox)
        }
        #expect(try harness.podProcesses().isEmpty)
    }

    @Test func createInAnUnknownOrStoppedSandboxFails() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        try daemon.harness.loadBusybox()
        try await daemon.withClients { runtime, _ in
            let unknown = await rpcFailure { _ = try await Self.create(runtime, sandbox: String(repeating: "a", count: 64), name: "x", command: ["true"]) }
            #expect(unknown?.code == .notFound, "\(String(describing: unknown))")
            let sandbox = try await Self.sandbox(runtime, logs: daemon.directory.file("pod-logs"))
            var stop = Runtime_V1_StopPodSandboxRequest()
            stop.podSandboxID = sandbox
            _ = try await runtime.stopPodSandbox(stop)
            let stopped = await rpcFailure { _ = try await Self.create(runtime, sandbox: sandbox, name: "x", command: ["true"]) }
            #expect(stopped?.code == .failedPrecondition, "\(String(describing: stopped))")
            #expect(try await Self.list(runtime).isEmpty)
            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(remove)
        }
    }
}
