import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import PodCRIProtocol
import PodTestSupport
import Testing

/// CRI mounts through the built podctl-cri (D70): a tmpfs the host mounts below a host
/// path after the sandbox started (critest's order) is in the container's bind, writable
/// under a read-only bind and read-only under a recursive one; a propagating mount from
/// a private host mount and a recursive read-only one with propagation are refused, at
/// the container's own create only.
@Suite(.serialized, .needsRoot, CRIDaemon.built) struct MountTests {
    static func mount(_ host: String, at path: String, readonly: Bool = false, recursive: Bool = false, _ propagation: Runtime_V1_MountPropagation = .propagationPrivate) -> Runtime_V1_Mount {
        var mount = Runtime_V1_Mount()
        mount.hostPath = host
        mount.containerPath = path
        mount.readonly = readonly
        mount.recursiveReadOnly = recursive
        mount.propagation = propagation
        return mount
    }

    static func create(_ runtime: ContainerTests.Runtime, sandbox: String, name: String, mounts: [Runtime_V1_Mount]) async throws -> String {
        var request = ContainerTests.request(sandbox: sandbox, name: name, command: ["sleep", "600"])
        request.config.mounts = mounts
        return try await runtime.createContainer(request).containerID
    }

    @Test func hostMountsAfterTheSandboxAreInTheBind() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        let harness = daemon.harness
        try harness.loadBusybox()
        let source = harness.base + "/cri-source"
        let private_ = harness.base + "/cri-private"
        func host(_ script: String) throws {
            let result = try harness.run(["sh", "-c", script], podctl: false)
            guard result.status == 0 else { throw HarnessError("\(script): \(result.stderr)") }
        }
        try await daemon.withClients { runtime, _ in
            let sandbox = try await SandboxTests.run(runtime, SandboxTests.config("mounts"))
            // Made after the sandbox: the pod's mount namespace never saw these.
            try host("mkdir -p \(source)/tmpfs \(private_) && mount -t tmpfs none \(source)/tmpfs && mount --bind \(private_) \(private_) && mount --make-private \(private_)")
            defer { _ = try? host("umount \(source)/tmpfs; umount \(private_)") }
            let id = try await Self.create(runtime, sandbox: sandbox, name: "ro", mounts: [
                Self.mount(source, at: "/ro", readonly: true), Self.mount(source, at: "/rro", readonly: true, recursive: true),
            ])
            try await ContainerTests.start(runtime, id)
            #expect(try await ContainerTests.exec(runtime, id, ["touch", "/ro/tmpfs/a"]).exitCode == 0)
            let top = try await ContainerTests.exec(runtime, id, ["touch", "/ro/b"])
            #expect(top.exitCode != 0 && String(decoding: top.stderr, as: UTF8.self).contains("Read-only file system"))
            let below = try await ContainerTests.exec(runtime, id, ["touch", "/rro/tmpfs/c"])
            #expect(below.exitCode != 0 && String(decoding: below.stderr, as: UTF8.self).contains("Read-only file system"))

            let refused = await rpcFailure { _ = try await Self.create(runtime, sandbox: sandbox, name: "slave", mounts: [Self.mount(private_, at: "/s", .propagationHostToContainer)]) }
            #expect(refused?.code == .invalidArgument && refused?.message.contains("is on mount \(private_), which is not shared or slave") == true, "\(String(describing: refused))")
            let invalid = await rpcFailure { _ = try await Self.create(runtime, sandbox: sandbox, name: "rro", mounts: [Self.mount(source, at: "/r", readonly: true, recursive: true, .propagationBidirectional)]) }
            #expect(invalid?.code == .invalidArgument && invalid?.message.hasPrefix("config.mounts[0].recursive_read_only:") == true, "\(String(describing: invalid))")

            // A propagating mount is checked at its own create only: a host mount made
            // private afterwards does not refuse the sandbox's next container.
            let shared = harness.base + "/cri-shared"
            try host("mkdir -p \(shared) && mount --bind \(shared) \(shared) && mount --make-rshared \(shared)")
            defer { _ = try? host("umount \(shared)") }
            _ = try await Self.create(runtime, sandbox: sandbox, name: "slave", mounts: [Self.mount(shared, at: "/s", .propagationHostToContainer)])
            try host("mount --make-rprivate \(shared)")
            _ = try await Self.create(runtime, sandbox: sandbox, name: "next", mounts: [])

            var remove = Runtime_V1_RemovePodSandboxRequest()
            remove.podSandboxID = sandbox
            _ = try await runtime.removePodSandbox(remove)
        }
    }
}
