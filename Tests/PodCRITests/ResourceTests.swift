import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import PodCgroups
import PodCRIProtocol
import PodTestSupport
import Testing

/// UpdateContainerResources of the built podctl-cri on the host's cgroups (v1 or v2,
/// whichever this host has): a running container's memory and CPU limits raised and
/// lowered in its cgroup and in its pod's, ContainerStatus reporting them, and a
/// malformed or unknown request refused.
@Suite(.serialized, .needsRoot, CRIDaemon.built) struct ResourceTests {
    static func resources(memory: Int64, quota: Int64, shares: Int64 = 0) -> Runtime_V1_LinuxContainerResources {
        var resources = Runtime_V1_LinuxContainerResources()
        resources.memoryLimitInBytes = memory
        resources.cpuQuota = quota
        resources.cpuPeriod = 100_000
        resources.cpuShares = shares
        return resources
    }

    /// The memory limit and CPU quota a cgroup holds (`pod` or `ctr_NAME` below the
    /// harness's cgroup root), as the kernel reads them back.
    static func limits(_ harness: Harness, _ leaf: String) throws -> (memory: Int64?, quota: Int64?) {
        guard let hierarchy = CgroupHierarchy.detect(), let memoryMount = hierarchy.mounts["memory"], let cpuMount = hierarchy.mounts["cpu"] else {
            throw HarnessError("no cgroup hierarchy with memory and cpu")
        }
        let pods = try FileManager.default.contentsOfDirectory(atPath: memoryMount + harness.cgroupRoot).filter { $0.hasPrefix("pod") }
        guard pods.count == 1 else { throw HarnessError("pods in the cgroup root: \(pods)") }
        let path = harness.cgroupRoot + "/" + pods[0] + (leaf == "pod" ? "" : "/" + leaf)
        func read(_ file: String) -> String { ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        switch hierarchy.version {
        case .v2:
            return (Int64(read(memoryMount + path + "/memory.max")), Int64(read(cpuMount + path + "/cpu.max").split(separator: " ").first ?? ""))
        case .v1:
            return (Int64(read(memoryMount + path + "/memory.limit_in_bytes")), Int64(read(cpuMount + path + "/cpu.cfs_quota_us")))
        }
    }

    @Test func limitsRiseAndFallInTheContainersAndThePodsCgroups() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        let harness = daemon.harness
        try harness.loadBusybox()
        try await daemon.withClients { runtime, _ in
            let sandbox = try await ContainerTests.sandbox(runtime, logs: daemon.directory.file("logs"))
            var create = Runtime_V1_CreateContainerRequest()
            create.podSandboxID = sandbox
            create.config.metadata.name = "limited"
            create.config.image.image = "localhost/busybox:1"
            create.config.command = ["sleep", "600"]
            create.config.linux.resources = Self.resources(memory: 64 << 20, quota: 50_000)
            let id = try await runtime.createContainer(create).containerID
            try await ContainerTests.start(runtime, id)
            _ = try await ContainerTests.waitFor(runtime, id, .containerRunning)
            let leaf = "ctr_limited-" + id.prefix(12)
            #expect(try Self.limits(harness, leaf) == (64 << 20, 50_000))
            #expect(try await ContainerTests.status(runtime, id).resources.linux.memoryLimitInBytes == 64 << 20)

            var update = Runtime_V1_UpdateContainerResourcesRequest()
            update.containerID = id
            update.linux = Self.resources(memory: 128 << 20, quota: 150_000, shares: 512)
            _ = try await runtime.updateContainerResources(update)
            #expect(try Self.limits(harness, leaf) == (128 << 20, 150_000))
            #expect(try Self.limits(harness, "pod") == (128 << 20, 150_000), "the pod's sums follow: its one container's limits")
            let raised = try await ContainerTests.status(runtime, id).resources.linux
            #expect(raised.memoryLimitInBytes == 128 << 20 && raised.cpuQuota == 150_000 && raised.cpuShares == 512)

            update.linux = Self.resources(memory: 32 << 20, quota: 20_000)
            _ = try await runtime.updateContainerResources(update)
            #expect(try Self.limits(harness, leaf) == (32 << 20, 20_000))
            #expect(try Self.limits(harness, "pod") == (32 << 20, 20_000))
            #expect(try await ContainerTests.status(runtime, id).resources.linux.memoryLimitInBytes == 32 << 20)
            #expect(try await ContainerTests.exec(runtime, id, ["true"]).exitCode == 0, "it still runs")

            update.linux.cpuShares = .max
            let malformed = await rpcFailure { _ = try await runtime.updateContainerResources(update) }
            #expect(malformed?.code == .invalidArgument && malformed?.message.hasPrefix("linux.cpu_shares:") == true, "\(String(describing: malformed))")
            #expect(try Self.limits(harness, leaf) == (32 << 20, 20_000), "a refused request changes nothing")
            update.containerID = String(repeating: "f", count: 64)
            #expect(await rpcFailure { _ = try await runtime.updateContainerResources(update) }?.code == .notFound)

            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(remove)
        }
    }
}
