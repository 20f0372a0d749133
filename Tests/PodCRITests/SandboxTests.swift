import Foundation
import Glibc
import GRPCCore
import PodCRIProtocol
import PodTestSupport
import Testing

/// The sandbox RPCs of the built podctl-cri, in the harness's network and mount namespace
/// with its own roots: a sandbox is a podctl pod (pause, bridge address, /etc files,
/// sysctls), the CRI's idempotence, a daemon SIGKILL, and nothing left after removal.
@Suite(.serialized, .needsRoot, CRIDaemon.built) struct SandboxTests {
    static func config(_ name: String, attempt: UInt32 = 0) -> Runtime_V1_PodSandboxConfig {
        var config = Runtime_V1_PodSandboxConfig()
        config.metadata.name = name
        config.metadata.namespace = "cri-test"
        config.metadata.uid = "uid-" + name
        config.metadata.attempt = attempt
        config.hostname = "sbx-" + name
        config.labels = ["app": name, "tier": "web"]
        config.annotations = ["note": "a\nb"]
        config.dnsConfig.servers = ["10.96.0.10"]
        config.dnsConfig.searches = ["cri-test.svc.cluster.local"]
        config.dnsConfig.options = ["ndots:5"]
        config.linux.sysctls = ["net.ipv4.ip_unprivileged_port_start": "81"]
        return config
    }

    static func run(_ runtime: Runtime_V1_RuntimeService.Client<some ClientTransport>, _ config: Runtime_V1_PodSandboxConfig) async throws -> String {
        var request = Runtime_V1_RunPodSandboxRequest()
        request.config = config
        return try await runtime.runPodSandbox(request).podSandboxID
    }

    static func status(_ runtime: Runtime_V1_RuntimeService.Client<some ClientTransport>, _ id: String) async throws -> Runtime_V1_PodSandboxStatusResponse {
        var request = Runtime_V1_PodSandboxStatusRequest()
        request.podSandboxID = id
        request.verbose = true
        return try await runtime.podSandboxStatus(request)
    }

    static func pausePID(_ response: Runtime_V1_PodSandboxStatusResponse) throws -> pid_t {
        let info = try #require(try JSONSerialization.jsonObject(with: Data((response.info["info"] ?? "{}").utf8)) as? [String: Any])
        return pid_t(try #require(info["pausePid"] as? Int))
    }

    static func list(_ runtime: Runtime_V1_RuntimeService.Client<some ClientTransport>, _ filter: Runtime_V1_PodSandboxFilter? = nil) async throws -> [Runtime_V1_PodSandbox] {
        var request = Runtime_V1_ListPodSandboxRequest()
        if let filter { request.filter = filter }
        return try await runtime.listPodSandbox(request).items
    }

    @Test func sandboxLifecycleIdempotenceAndNothingLeft() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        let harness = daemon.harness
        try await daemon.withClients { runtime, _ in
            let id = try await Self.run(runtime, Self.config("web"))
            #expect(id.count == 64 && id.allSatisfy(\.isHexDigit), "\(id)")
            let status = try await Self.status(runtime, id)
            #expect(status.status.state == .sandboxReady)
            #expect(status.status.metadata.name == "web" && status.status.metadata.uid == "uid-web")
            #expect(status.status.labels == ["app": "web", "tier": "web"] && status.status.annotations == ["note": "a\nb"])
            #expect(status.status.network.ip.hasPrefix("10."), "\(status.status.network.ip)")
            #expect(status.status.linux.namespaces.options.pid == .pod)
            #expect(status.status.createdAt > 0)
            let pause = try Self.pausePID(status)
            #expect(kill(pause, 0) == 0)

            // What the pause's namespaces hold: hostname, sysctl, resolv.conf, address.
            #expect(try harness.run(["nsenter", "-t", String(pause), "-u", "--", "hostname"], podctl: false).stdout == "sbx-web\n")
            let sysctl = try harness.run(["nsenter", "-t", String(pause), "-n", "--", "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start"], podctl: false)
            #expect(sysctl.stdout == "81\n")
            let addresses = try harness.run(["nsenter", "-t", String(pause), "-n", "--", "ip", "-4", "-o", "addr", "show", "eth0"], podctl: false)
            #expect(addresses.stdout.contains(status.status.network.ip + "/"), "\(addresses.stdout)")
            let pod = try #require(try FileManager.default.contentsOfDirectory(atPath: daemon.root + "/pods/cri-test").first { $0.hasPrefix("web-") })
            #expect(pod == "web-" + id.prefix(12))
            let resolv = try String(contentsOfFile: daemon.root + "/pods/cri-test/" + pod + "/etc/resolv.conf", encoding: .utf8)
            #expect(resolv == "nameserver 10.96.0.10\nsearch cri-test.svc.cluster.local\noptions ndots:5\n")

            // The same metadata is one sandbox (containerd reserves the name).
            let twice = await rpcFailure { _ = try await Self.run(runtime, Self.config("web")) }
            #expect(twice?.code == .alreadyExists, "\(String(describing: twice))")
            let second = try await Self.run(runtime, Self.config("web", attempt: 1))

            // Filters: id (a prefix too), state, labels.
            #expect(Set(try await Self.list(runtime).map(\.id)) == [id, second])
            var byID = Runtime_V1_PodSandboxFilter()
            byID.id = String(id.prefix(10))
            #expect(try await Self.list(runtime, byID).map(\.id) == [id])
            var byLabel = Runtime_V1_PodSandboxFilter()
            byLabel.labelSelector = ["app": "web"]
            #expect(try await Self.list(runtime, byLabel).count == 2)
            byLabel.labelSelector = ["app": "db"]
            #expect(try await Self.list(runtime, byLabel).isEmpty)

            // Stop: NOTREADY, pause gone, listed still; a second stop and an unknown ID succeed.
            var stop = Runtime_V1_StopPodSandboxRequest()
            stop.podSandboxID = second
            _ = try await runtime.stopPodSandbox(stop)
            _ = try await runtime.stopPodSandbox(stop)
            stop.podSandboxID = String(repeating: "0", count: 64)
            _ = try await runtime.stopPodSandbox(stop)
            #expect(try await Self.status(runtime, second).status.state == .sandboxNotready)
            var notReady = Runtime_V1_PodSandboxFilter()
            notReady.state.state = .sandboxNotready
            #expect(try await Self.list(runtime, notReady).map(\.id) == [second])
            var ready = Runtime_V1_PodSandboxFilter()
            ready.state.state = .sandboxReady
            #expect(try await Self.list(runtime, ready).map(\.id) == [id])

            // Remove (a running one too: it is stopped first); again, and unknown IDs, succeed.
            for sandbox in [second, id, id, String(repeating: "f", count: 64), "../../etc"] {
                var remove = Runtime_V1_RemovePodSandboxRequest()
                remove.podSandboxID = sandbox
                _ = try await runtime.removePodSandbox(remove)
            }
            #expect(try await Self.list(runtime).isEmpty)
            let gone = await rpcFailure { _ = try await Self.status(runtime, id) }
            #expect(gone?.code == .notFound, "\(String(describing: gone))")
            #expect(kill(pause, 0) != 0)
        }
        // Nothing left: processes, cgroups, veths, pod state, records.
        #expect(try harness.podProcesses().isEmpty)
        let links = try harness.run(["ip", "-o", "link", "show", "type", "veth"], podctl: false).stdout
        #expect(links.isEmpty, "\(links)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: daemon.root + "/pods/cri-test")) ?? []).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: daemon.runRoot + "/pods/cri-test")) ?? []).isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: daemon.root + "/cri/sandboxes")) ?? []).isEmpty)
    }

    /// The daemon's memory is not where sandboxes live: after a SIGKILL and a new start
    /// the sandbox is listed, ready, with the same pause.
    @Test func sandboxesSurviveADaemonKill() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        let (id, pause) = try await daemon.withClients { runtime, _ in
            let id = try await Self.run(runtime, Self.config("kept"))
            return (id, try Self.pausePID(try await Self.status(runtime, id)))
        }
        try daemon.killAndRestart()
        try await daemon.withClients { runtime, _ in
            #expect(try await Self.list(runtime).map(\.id) == [id])
            let status = try await Self.status(runtime, id)
            #expect(status.status.state == .sandboxReady)
            #expect(try Self.pausePID(status) == pause)
            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = id
            _ = try await runtime.removePodSandbox(remove)
            #expect(try await Self.list(runtime).isEmpty)
        }
        #expect(kill(pause, 0) != 0)
        #expect(try daemon.harness.podProcesses().isEmpty)
    }

    @Test func malformedSandboxRequestsNameTheField() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        try await daemon.withClients { runtime, _ in
            let empty = await rpcFailure { _ = try await runtime.runPodSandbox(Runtime_V1_RunPodSandboxRequest()) }
            #expect(empty?.code == .invalidArgument && empty?.message.hasPrefix("config:") == true, "\(String(describing: empty))")
            var hostile = Self.config("bad")
            hostile.hostname = "x\nnameserver 6.6.6.6"
            let hostname = await rpcFailure { _ = try await Self.run(runtime, hostile) }
            #expect(hostname?.code == .invalidArgument && hostname?.message.hasPrefix("config.hostname:") == true, "\(String(describing: hostname))")
            let left = try await Self.list(runtime)
            #expect(left.isEmpty, "a refused sandbox leaves no record")
        }
    }
}
