import Foundation
import Glibc
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import PodCRIProtocol
import PodTestSupport
import Testing

/// Who a CRI container's process is (D70): a sandbox with userns_options mode POD runs
/// in a user namespace with exactly the kubelet's mappings; a container of a sandbox with
/// pid CONTAINER runs its entrypoint as PID 1 of its own PID namespace, as containerd
/// does (no pod-init), and its exit code still reaches the supervisor; run_as_username
/// is the image's /etc/passwd entry.
@Suite(.serialized, .needsRoot, CRIDaemon.built) struct ProcessIdentityTests {
    typealias Runtime = Runtime_V1_RuntimeService.Client<HTTP2ClientTransport.Posix>

    /// A daemon with busybox loaded, and a sandbox config named `name` logging to a directory of its own.
    static func withSandboxConfig(_ name: String, _ body: (Runtime, Runtime_V1_PodSandboxConfig, String) async throws -> Void) async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        try daemon.harness.loadBusybox()
        let logs = daemon.directory.file("pod-logs")
        try await daemon.withClients { runtime, _ in
            var config = SandboxTests.config(name)
            config.logDirectory = logs
            try await body(runtime, config, logs)
        }
    }

    @Test func podModeUsesTheKubeletsMappings() async throws {
        try await Self.withSandboxConfig("userns") { runtime, given, logs in
            var config = given
            var uids = Runtime_V1_IDMapping()
            uids.hostID = 65536 * 100
            uids.length = 65536
            var gids = uids
            gids.hostID = 65536 * 101
            config.linux.securityContext.namespaceOptions.usernsOptions.mode = .pod
            config.linux.securityContext.namespaceOptions.usernsOptions.uids = [uids]
            config.linux.securityContext.namespaceOptions.usernsOptions.gids = [gids]
            let sandbox = try await SandboxTests.run(runtime, config)
            let id = try await ContainerTests.create(runtime, sandbox: sandbox, name: "maps", command: ["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u"])
            try await ContainerTests.start(runtime, id)
            let exited = try await ContainerTests.waitFor(runtime, id, .containerExited)
            #expect(exited.exitCode == 0, "\(exited)")
            let log = try String(contentsOfFile: logs + "/maps/0.log", encoding: .utf8)
            let lines = log.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 3).last.map { $0.split(separator: " ").joined(separator: " ") } ?? "" }
            #expect(lines == ["0 6553600 65536", "0 6619136 65536", "0"], "\(log)")

            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(remove)
        }
    }

    @Test func runAsUsernameIsTheImagesPasswdEntry() async throws {
        try await Self.withSandboxConfig("username") { runtime, config, logs in
            let sandbox = try await SandboxTests.run(runtime, config)
            var request = ContainerTests.request(sandbox: sandbox, name: "nobody", command: ["sh", "-c", "id -u; id -g"])
            request.config.logPath = "nobody/0.log"
            request.config.linux.securityContext.runAsUsername = "nobody"
            let id = try await runtime.createContainer(request).containerID
            try await ContainerTests.start(runtime, id)
            #expect(try await ContainerTests.waitFor(runtime, id, .containerExited).exitCode == 0)
            let log = try String(contentsOfFile: logs + "/nobody/0.log", encoding: .utf8)
            #expect(log.split(separator: "\n").compactMap { $0.split(separator: " ").last } == ["65534", "65534"], "\(log)")
            // ContainerStatus says who the process is, `id -G`'s list with the primary group first.
            let user = try await ContainerTests.status(runtime, id).user.linux
            #expect(user.uid == 65534 && user.gid == 65534 && user.supplementalGroups == [65534], "\(user)")
            // Strict: only the given groups beside the primary one (busybox's /etc/group lists no
            // member, so Merge would give the same here: SupplementaryGroupsTests has the difference).
            request.config.metadata.name = "strict"
            request.config.logPath = "strict/0.log"
            request.config.command = ["id", "-G"]
            request.config.linux.securityContext.supplementalGroups = [1234]
            request.config.linux.securityContext.supplementalGroupsPolicy = .strict
            let strict = try await runtime.createContainer(request).containerID
            try await ContainerTests.start(runtime, strict)
            #expect(try await ContainerTests.waitFor(runtime, strict, .containerExited).exitCode == 0)
            let groups = try String(contentsOfFile: logs + "/strict/0.log", encoding: .utf8)
            #expect(groups.split(separator: "\n").first.map { $0.split(separator: " ", maxSplits: 3).last.map(String.init) } == "65534 1234", "\(groups)")
            #expect(try await ContainerTests.status(runtime, strict).user.linux.supplementalGroups == [65534, 1234])
            request.config.linux.securityContext.supplementalGroups = []
            request.config.linux.securityContext.supplementalGroupsPolicy = .merge
            request.config.metadata.name = "ghost"
            request.config.linux.securityContext.runAsUsername = "ghost"
            let missing = await rpcFailure { _ = try await runtime.createContainer(request) }
            #expect(missing?.code == .invalidArgument && missing?.message.contains("run_as_username \"ghost\" is not in the image's /etc/passwd") == true, "\(String(describing: missing))")
        }
    }

    @Test func containerPIDNamespaceRunsTheEntrypointAsPID1() async throws {
        try await Self.withSandboxConfig("pidns") { runtime, given, _ in
            var config = given
            config.linux.securityContext.namespaceOptions.pid = .container
            let sandbox = try await SandboxTests.run(runtime, config)
            let sleeper = try await ContainerTests.create(runtime, sandbox: sandbox, name: "sleeper", command: ["sleep", "600"])
            let failing = try await ContainerTests.create(runtime, sandbox: sandbox, name: "failing", command: ["sh", "-c", "exit 3"])
            for id in [sleeper, failing] { try await ContainerTests.start(runtime, id) }
            let cmdline = try await ContainerTests.exec(runtime, sleeper, ["cat", "/proc/1/cmdline"])
            #expect(String(decoding: cmdline.stdout, as: UTF8.self) == "sleep\u{0}600\u{0}")
            // The exit code of a PID 1 without pod-init reaches the supervisor.
            let exited = try await ContainerTests.waitFor(runtime, failing, .containerExited)
            #expect(exited.exitCode == 3 && exited.reason == "Error", "\(exited)")
            // sleep as PID 1 has no SIGTERM handler (the kernel drops the signal): the
            // stop's SIGKILL ends it, and with it the container's PID namespace.
            let pid = try await ContainerTests.pid(runtime, sleeper)
            let namespace = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid")
            var stop = Runtime_V1_StopContainerRequest()
            stop.containerID = sleeper
            stop.timeout = 1
            _ = try await runtime.stopContainer(stop)
            let stopped = try await ContainerTests.waitFor(runtime, sleeper, .containerExited)
            #expect(stopped.exitCode == 137, "\(stopped)")
            let left = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { entry in
                Int32(entry) != nil && (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/ns/pid")) == namespace
            }
            #expect(left.isEmpty, "processes left in the container's PID namespace: \(left)")

            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(remove)
        }
    }
}
