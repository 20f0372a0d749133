import GRPCCore
import PodCRIProtocol
import PodLaunch
import PodModel
import PodRuntime
import Testing
@testable import PodCRI

/// The CRI's mount fields (read-only, recursive read-only, propagation), its user
/// namespace options and the runtime handler's features, without a daemon: what each
/// becomes, and what is refused with the field named (D70).
struct MountAndUserNamespaceMappingTests {
    static func mount(readonly: Bool = false, recursive: Bool = false, _ propagation: Runtime_V1_MountPropagation = .propagationPrivate) -> Runtime_V1_Mount {
        var mount = Runtime_V1_Mount()
        mount.containerPath = "/mnt"
        mount.hostPath = "/srv/data"
        mount.readonly = readonly
        mount.recursiveReadOnly = recursive
        mount.propagation = propagation
        return mount
    }

    static func container(_ mounts: [Runtime_V1_Mount]) throws(RPCError) -> ContainerConfigMapping {
        var config = ContainerMappingTests.config()
        config.mounts = mounts
        return try ContainerMappingTests.map(config)
    }

    @Test func mountFieldsBecomeTheVolumeMountApplyPlans() throws {
        let mapping = try Self.container([Self.mount(readonly: true), Self.mount(readonly: true, recursive: true),
                                          Self.mount(.propagationHostToContainer), Self.mount(.propagationBidirectional)])
        let mounts = try #require(mapping.container.volumeMounts)
        // readonly alone: the bind only, its submounts as they are (runc's bind).
        #expect(mounts[0].readOnly == true && mounts[0].recursiveReadOnly == nil && mounts[0].mountPropagation == nil)
        #expect(mounts[1].readOnly == true && mounts[1].recursiveReadOnly == "Enabled")
        #expect(mounts[2].mountPropagation == "HostToContainer" && mounts[2].readOnly == false)
        #expect(mounts[3].mountPropagation == "Bidirectional")
        #expect(mapping.volumes.map(\.hostPath?.path) == Array(repeating: "/srv/data", count: 4))
        // containerd runs no init: the entrypoint is PID 1 of its PID namespace.
        #expect(mapping.options.runsInit == false)
    }

    @Test(arguments: [
        (mount(readonly: false, recursive: true), "config.mounts[0].recursive_read_only"),
        (mount(readonly: true, recursive: true, .propagationHostToContainer), "config.mounts[0].recursive_read_only"),
        (mount(readonly: true, recursive: true, .propagationBidirectional), "config.mounts[0].recursive_read_only"),
        (mount(.UNRECOGNIZED(9)), "config.mounts[0].propagation"),
        ({ var m = mount(); var id = Runtime_V1_IDMapping(); id.length = 1; m.uidMappings = [id]; return m }(), "config.mounts[0].uidMappings"),
    ])
    func malformedMountIsInvalidArgumentNamingTheField(_ mount: Runtime_V1_Mount, _ field: String) {
        do {
            _ = try Self.container([mount])
            Issue.record("\(field): accepted")
        } catch {
            #expect(error.code == .invalidArgument, "\(field): \(error)")
            #expect(error.message.hasPrefix(field + ":"), "\(error.message)")
        }
    }

    @Test func aStrictGroupsPolicyGoesToThePlanner() throws {
        var config = ContainerMappingTests.config()
        #expect(try ContainerMappingTests.map(config).options.strictGroups == false)
        config.linux.securityContext.supplementalGroupsPolicy = .strict
        #expect(try ContainerMappingTests.map(config).options.strictGroups == true)
    }

    @Test func runAsUsernameGoesToThePlannerUnlessAUserIDIsGiven() throws {
        var config = ContainerMappingTests.config()
        config.linux.securityContext.runAsUsername = "nobody"
        #expect(try ContainerMappingTests.map(config).options.userName == "nobody")
        config.linux.securityContext.runAsUser.value = 1000
        #expect(try ContainerMappingTests.map(config).options.userName == nil)
        for hostile in ["root:x:0:0", "a\nroot", String(repeating: "u", count: 300)] {
            var bad = ContainerMappingTests.config()
            bad.linux.securityContext.runAsUsername = hostile
            do {
                _ = try ContainerMappingTests.map(bad)
                Issue.record("\(hostile): accepted")
            } catch {
                #expect(error.code == .invalidArgument && error.message.hasPrefix("config.linux.security_context.run_as_username:"), "\(error)")
            }
        }
    }

    static func mapping(container: UInt32 = 0, host: UInt32, length: UInt32) -> Runtime_V1_IDMapping {
        var mapping = Runtime_V1_IDMapping()
        mapping.containerID = container
        mapping.hostID = host
        mapping.length = length
        return mapping
    }

    static func sandbox(_ mode: Runtime_V1_NamespaceMode, uids: [Runtime_V1_IDMapping] = [], gids: [Runtime_V1_IDMapping]? = nil) -> Runtime_V1_PodSandboxConfig {
        var config = SandboxMappingTests.config()
        config.linux.securityContext.namespaceOptions.usernsOptions.mode = mode
        config.linux.securityContext.namespaceOptions.usernsOptions.uids = uids
        config.linux.securityContext.namespaceOptions.usernsOptions.gids = gids ?? uids
        return config
    }

    @Test func podModeUsesTheKubeletsMappingsExactly() throws {
        // critest's mapping, and the kubelet's own shape (a multiple of 65536).
        let critest = try SandboxConfigMapping(Self.sandbox(.pod, uids: [Self.mapping(host: 1000, length: 100_000)]), id: SandboxMappingTests.id)
        #expect(critest.options.idMap == IDMap(hostUID: 1000, hostGID: 1000, size: 100_000))
        #expect(critest.pod.spec?.hostUsers == false)
        let kubelet = try SandboxConfigMapping(Self.sandbox(.pod, uids: [Self.mapping(host: 65536 * 7, length: 65536)], gids: [Self.mapping(host: 65536 * 9, length: 65536)]),
                                               id: SandboxMappingTests.id)
        #expect(kubelet.options.idMap == IDMap(hostUID: 65536 * 7, hostGID: 65536 * 9, size: 65536))
        #expect(IDMap(hostUID: 1000, hostGID: 1000, size: 100_000).uidMapLine.split(whereSeparator: { $0 == " " || $0 == "\n" }) == ["0", "1000", "100000"])
        let node = try SandboxConfigMapping(Self.sandbox(.node), id: SandboxMappingTests.id)
        #expect(node.options.idMap == nil && node.pod.spec?.hostUsers == nil)
        let none = try SandboxConfigMapping(SandboxMappingTests.config(), id: SandboxMappingTests.id)
        #expect(none.options.idMap == nil && none.pod.spec?.hostUsers == nil)
    }

    static let field = "config.linux.security_context.namespace_options.userns_options"

    @Test(arguments: [
        (sandbox(.pod, uids: [mapping(host: 1000, length: 100_000), mapping(host: 2000, length: 100_000)]), field + ".uids"),
        (sandbox(.pod), field + ".uids"),
        (sandbox(.pod, uids: [mapping(container: 1, host: 1000, length: 100_000)]), field + ".uids[0].container_id"),
        (sandbox(.pod, uids: [mapping(host: 1000, length: 100)]), field + ".uids[0].length"),
        (sandbox(.pod, uids: [mapping(host: 0, length: 65536)]), field + ".uids[0].host_id"),
        // Overflows: past the last ID, and past 2^32 altogether.
        (sandbox(.pod, uids: [mapping(host: UInt32.max - 65535, length: 65536)]), field + ".uids[0].length"),
        (sandbox(.pod, uids: [mapping(host: 1000, length: UInt32.max)]), field + ".uids[0].length"),
        (sandbox(.pod, uids: [mapping(host: 1000, length: 65536)], gids: [mapping(host: 1000, length: 131_072)]), field + ".gids"),
        (sandbox(.pod, uids: [mapping(host: 1000, length: 65536)], gids: [mapping(host: UInt32.max - 10, length: 65536)]), field + ".gids[0].length"),
        (sandbox(.node, uids: [mapping(host: 1000, length: 65536)]), field),
        (sandbox(.container), field + ".mode"),
        ({ var c = sandbox(.pod, uids: [mapping(host: 1000, length: 65536)]); c.linux.securityContext.namespaceOptions.network = .node; return c }(), field + ".mode"),
        ({ var c = sandbox(.pod, uids: [mapping(host: 1000, length: 65536)]); c.linux.securityContext.namespaceOptions.pid = .node; return c }(), field + ".mode"),
        (sandbox(.target), field + ".mode"),
    ])
    func malformedUserNamespaceIsInvalidArgumentNamingTheField(_ config: Runtime_V1_PodSandboxConfig, _ field: String) {
        do {
            _ = try SandboxConfigMapping(config, id: SandboxMappingTests.id)
            Issue.record("\(field): accepted")
        } catch {
            #expect(error.code == .invalidArgument, "\(field): \(error)")
            #expect(error.message.hasPrefix(field + ":"), "\(error.message)")
        }
    }

    @Test func aMappingIntoPodctlsOwnPoolIsRefused() throws {
        let pool = UserNamespaceRanges.Pool(uidStart: 1 << 31, gidStart: 1 << 30, blocks: 4)
        func map(_ uid: UInt32, _ gid: UInt32) throws(RPCError) -> IDMap? {
            try SandboxConfigMapping(Self.sandbox(.pod, uids: [Self.mapping(host: uid, length: 65536)], gids: [Self.mapping(host: gid, length: 65536)]),
                                     id: SandboxMappingTests.id, podctlPool: pool).options.idMap
        }
        // Just below and just past the pool: accepted.
        #expect(try map((1 << 31) - 65536, (1 << 30) + 4 * 65536) == IDMap(hostUID: (1 << 31) - 65536, hostGID: (1 << 30) + 4 * 65536, size: 65536))
        for (uid, gid, field) in [((1 << 31) - 1, 65536, ".uids[0].host_id"), ((1 << 31) + 3 * 65536, 65536, ".uids[0].host_id"), (65536, (1 << 30) + 100, ".gids[0].host_id")] as [(UInt32, UInt32, String)] {
            do {
                _ = try map(uid, gid)
                Issue.record("\(uid)/\(gid): accepted")
            } catch {
                #expect(error.code == .invalidArgument && error.message.hasPrefix(Self.field + field + ":") && error.message.contains("podctl's own user namespace pool"), "\(error)")
            }
        }
    }

    @Test func handlerFeaturesFollowTheKernel() {
        let recent = RuntimeHandlerFeatures(kernelRelease: "6.1.0-18-amd64")
        #expect(recent.recursiveReadOnlyMounts && recent.userNamespaces)
        let first = RuntimeHandlerFeatures(kernelRelease: "5.19.0")
        #expect(first.recursiveReadOnlyMounts && first.userNamespaces)
        for between in ["5.12.19", "5.15.0-91-generic"] {
            let features = RuntimeHandlerFeatures(kernelRelease: between)
            #expect(features.recursiveReadOnlyMounts && !features.userNamespaces, "\(between)")
        }
        for old in ["4.19.0-26-amd64", "5.4", "", "linux"] {
            let features = RuntimeHandlerFeatures(kernelRelease: old)
            #expect(!features.recursiveReadOnlyMounts && !features.userNamespaces, "\(old)")
        }
        let handlers = recent.handlers
        #expect(handlers.count == 1 && handlers[0].name == "" && handlers[0].features.recursiveReadOnlyMounts && handlers[0].features.userNamespaces)
    }
}
