import Foundation
import GRPCCore
import PodCRIProtocol
import PodTestSupport
import Testing
@testable import PodCRI

/// The runtime-wide RPCs of the built podctl-cri, through a grpc-swift-2 client on its socket.
@Suite(.serialized, .needsRoot, CRIDaemon.built) struct RuntimeServiceTests {
    @Test func versionStatusAndRuntimeConfig() async throws {
        let daemon = try CRIDaemon()
        let mode = try FileManager.default.attributesOfItem(atPath: daemon.socket)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try await daemon.withClients { runtime, _ in
            let version = try await runtime.version(Runtime_V1_VersionRequest())
            #expect(version.runtimeName == "podctl")
            #expect(version.runtimeApiVersion == "v1")
            #expect(version.version == "0.1.0")
            #expect(!version.runtimeVersion.isEmpty)

            var verbose = Runtime_V1_StatusRequest()
            verbose.verbose = true
            let status = try await runtime.status(verbose)
            let conditions = Dictionary(uniqueKeysWithValues: status.status.conditions.map { ($0.type, $0) })
            #expect(conditions["RuntimeReady"]?.status == true, "\(conditions["RuntimeReady"]?.message ?? "missing")")
            #expect(conditions["NetworkReady"]?.status == true, "\(conditions["NetworkReady"]?.message ?? "missing")")
            let config = try #require(status.info["config"])
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any])
            #expect(parsed["root"] as? String == daemon.root)
            #expect(parsed["cgroupRoot"] as? String == daemon.harness.cgroupRoot)
            #expect(parsed["cgroupDriver"] as? String == "cgroupfs")
            #expect(try await runtime.status(Runtime_V1_StatusRequest()).info.isEmpty, "info only with verbose")
            // The default handler and what works on this kernel (critest skips on these).
            let handlers = status.runtimeHandlers
            #expect(handlers.map(\.name) == [""])
            #expect(handlers.first?.features == RuntimeHandlerFeatures.running().handlers.first?.features)
            #expect(status.features.supplementalGroupsPolicy, "Strict is applied and ContainerStatus reports the user")

            #expect(try await runtime.runtimeConfig(Runtime_V1_RuntimeConfigRequest()).linux.cgroupDriver == .cgroupfs)

            var update = Runtime_V1_UpdateRuntimeConfigRequest()
            update.runtimeConfig.networkConfig.podCidr = "10.244.3.0/24,fd00:10:244:3::/64"
            _ = try await runtime.updateRuntimeConfig(update)
            let after = try await runtime.status(verbose).info["config"] ?? ""
            #expect(after.contains("\"podCIDR\":\"10.244.3.0/24,fd00:10:244:3::/64\""), "\(after)")
        }
        // SIGTERM is a graceful stop: exit 0, the socket removed.
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
    }

    /// RuntimeReady is a real check: without podctl's helpers where podctl looks for
    /// them, it is false, with the reason. (The daemon's mount namespace hides an
    /// installed /usr/local/libexec/podctl under an empty tmpfs.)
    @Test func runtimeNotReadyNamesWhatIsMissing() async throws {
        let copy = TemporaryDirectory("podctl-cri-alone")
        let binary = try #require(CRIDaemon.binary)
        try FileManager.default.copyItem(atPath: binary, toPath: copy.file("podctl-cri"))
        let daemon = try CRIDaemon(binary: copy.file("podctl-cri")) { harness in
            if FileManager.default.fileExists(atPath: "/usr/local/libexec") {
                try harness.run(["mount", "-t", "tmpfs", "empty", "/usr/local/libexec"], podctl: false)
            }
        }
        try await daemon.withClients { runtime, _ in
            let conditions = try await runtime.status(Runtime_V1_StatusRequest()).status.conditions
            let ready = try #require(conditions.first { $0.type == "RuntimeReady" })
            #expect(!ready.status)
            #expect(ready.reason == "RuntimeNotReady")
            #expect(ready.message.contains("cannot find podctl's helper programs"), "\(ready.message)")
            #expect(conditions.first { $0.type == "NetworkReady" }?.status == true)
        }
    }

    @Test func malformedRequestsAreInvalidArgumentNamingTheField() async throws {
        let daemon = try CRIDaemon()
        try await daemon.withClients { runtime, images in
            var update = Runtime_V1_UpdateRuntimeConfigRequest()
            update.runtimeConfig.networkConfig.podCidr = "10.244.3.0/33"
            let cidr = await rpcFailure { _ = try await runtime.updateRuntimeConfig(update) }
            #expect(cidr?.code == .invalidArgument)
            #expect(cidr?.message.contains("runtime_config.network_config.pod_cidr") == true, "\(String(describing: cidr))")

            let pull = await rpcFailure { _ = try await images.pullImage(Runtime_V1_PullImageRequest()) }
            #expect(pull?.code == .invalidArgument)
            #expect(pull?.message.contains("image.image") == true)
            var bad = Runtime_V1_PullImageRequest()
            bad.image.image = "UPPER/Case:tag"
            let parse = await rpcFailure { _ = try await images.pullImage(bad) }
            #expect(parse?.code == .invalidArgument)
            #expect(parse?.message.contains("image.image") == true, "\(String(describing: parse))")
            var auth = Runtime_V1_PullImageRequest()
            auth.image.image = "127.0.0.1:1/a:1"
            auth.auth.auth = "%%%not base64"
            let credential = await rpcFailure { _ = try await images.pullImage(auth) }
            #expect(credential?.code == .invalidArgument)
            #expect(credential?.message.contains("auth.auth") == true, "\(String(describing: credential))")
            let status = await rpcFailure { _ = try await images.imageStatus(Runtime_V1_ImageStatusRequest()) }
            #expect(status?.code == .invalidArgument)
            let remove = await rpcFailure { _ = try await images.removeImage(Runtime_V1_RemoveImageRequest()) }
            #expect(remove?.code == .invalidArgument)
        }
    }

    /// What is not served (docs/cri.md, "What is served": checkpointing, as containerd
    /// without CRIU) says Unimplemented and why; the metrics RPCs answer, with no sandbox
    /// an empty list and cAdvisor's descriptors.
    @Test func theRestIsUnimplementedAndSaysWhy() async throws {
        let daemon = try CRIDaemon()
        try await daemon.withClients { runtime, _ in
            // The streaming RPCs are served (StreamingTests): an unknown ID is NOT_FOUND.
            let exec = await rpcFailure { _ = try await runtime.exec(Runtime_V1_ExecRequest()) }
            #expect(exec?.code == .notFound && exec?.message.contains("container_id") == true, "\(String(describing: exec))")
            let attach = await rpcFailure { _ = try await runtime.attach(Runtime_V1_AttachRequest()) }
            #expect(attach?.code == .notFound, "\(String(describing: attach))")
            let forward = await rpcFailure { _ = try await runtime.portForward(Runtime_V1_PortForwardRequest()) }
            #expect(forward?.code == .notFound && forward?.message.contains("pod_sandbox_id") == true, "\(String(describing: forward))")
            let calls: [(String, () async throws -> Void)] = [
                ("CheckpointContainer", { _ = try await runtime.checkpointContainer(Runtime_V1_CheckpointContainerRequest()) }),
            ]
            let metrics = try? await runtime.listPodSandboxMetrics(Runtime_V1_ListPodSandboxMetricsRequest())
            #expect(metrics?.podMetrics.isEmpty == true)
            let descriptors = try? await runtime.listMetricDescriptors(Runtime_V1_ListMetricDescriptorsRequest())
            #expect(descriptors?.descriptors.map(\.name) == ["container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "container_start_time_seconds"])
            for (name, call) in calls {
                let failure = await rpcFailure(call)
                #expect(failure?.code == .unimplemented, "\(name): \(String(describing: failure))")
            }
        }
    }
}
