import GRPCCore
import PodCRIProtocol
import PodModel
import PodRuntime
import Testing
@testable import PodCRI

/// PodSandboxConfig to the v1 Pod apply runs (D62), without a daemon: what each field
/// becomes, and a malformed request refused with the field in the proto's spelling.
struct SandboxMappingTests {
    static let id = String(repeating: "ab", count: 32)

    static func config() -> Runtime_V1_PodSandboxConfig {
        var config = Runtime_V1_PodSandboxConfig()
        config.metadata.name = "Web_Server.1"
        config.metadata.namespace = "shop"
        config.metadata.uid = "u-1"
        config.hostname = "web"
        return config
    }

    @Test func fieldsBecomeThePodApplyRuns() throws {
        var config = Self.config()
        config.dnsConfig.servers = ["10.96.0.10", "fd00::a"]
        config.dnsConfig.searches = ["shop.svc.cluster.local"]
        config.dnsConfig.options = ["ndots:5", "edns0"]
        var mapping = Runtime_V1_PortMapping()
        mapping.protocol = .udp
        mapping.containerPort = 53
        mapping.hostPort = 5353
        mapping.hostIp = "127.0.0.1"
        var unpublished = Runtime_V1_PortMapping()
        unpublished.containerPort = 80
        config.portMappings = [mapping, unpublished]
        config.linux.securityContext.namespaceOptions.pid = .container
        config.linux.securityContext.namespaceOptions.ipc = .node
        config.linux.sysctls = ["net.ipv4.ip_forward": "1", "kernel/shm_rmid_forced": "1"]
        let result = try SandboxConfigMapping(config, id: Self.id)
        #expect(result.pod.namespace == "shop")
        #expect(result.pod.name == "web-server-1-abababababab")
        let spec = try #require(result.pod.spec)
        #expect(spec.containers == [])
        #expect(spec.hostname == "web")
        #expect(spec.hostNetwork == nil && spec.hostIPC == true && spec.shareProcessNamespace == false)
        #expect(spec.dnsPolicy == "None")
        #expect(spec.dnsConfig?.nameservers == ["10.96.0.10", "fd00::a"])
        #expect(spec.dnsConfig?.options == [PodDNSConfigOption(name: "ndots", value: "5"), PodDNSConfigOption(name: "edns0")])
        #expect(spec.securityContext?.sysctls == [Sysctl(name: "kernel.shm_rmid_forced", value: "1"), Sysctl(name: "net.ipv4.ip_forward", value: "1")])
        #expect(result.options.ports.count == 1, "a host port of 0 publishes nothing")
        #expect(result.options.ports.first == PortPlan(proto: "UDP", hostIP: "127.0.0.1", hostPort: 5353, containerPort: 53))
    }

    /// POD is the enum's zero value: a client that sets nothing gets the pod's own
    /// namespaces, with one PID namespace for all containers.
    @Test func defaultsAreThePodsNamespacesAndTheHostsResolvConf() throws {
        let spec = try #require(try SandboxConfigMapping(Self.config(), id: Self.id).pod.spec)
        #expect(spec.hostNetwork == nil && spec.hostPID == nil && spec.hostIPC == nil)
        #expect(spec.shareProcessNamespace == true)
        #expect(spec.dnsPolicy == "Default")
        var host = Self.config()
        host.linux.securityContext.namespaceOptions.network = .node
        host.linux.securityContext.namespaceOptions.pid = .node
        let hostSpec = try #require(try SandboxConfigMapping(host, id: Self.id).pod.spec)
        #expect(hostSpec.hostNetwork == true && hostSpec.hostPID == true)
    }

    @Test(arguments: [
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.clearMetadata() }, "config.metadata"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.metadata.name = "" }, "config.metadata.name"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.metadata.namespace = "../etc" }, "config.metadata.namespace"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.hostname = "a\nb" }, "config.hostname"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.dnsConfig.servers = ["8.8.8.8\nnameserver 6.6.6.6"] }, "config.dns_config.servers[0]"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.dnsConfig.searches = ["a", "b c"] }, "config.dns_config.searches[1]"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.dnsConfig.options = ["ndots:5\noptions x"] }, "config.dns_config.options[0]"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.linux.sysctls = ["net/../../../etc/passwd": "x"] }, "config.linux.sysctls[\"net/../../../etc/passwd\"]"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.linux.sysctls = ["vm.overcommit_memory": "1"] }, "config.linux.sysctls[\"vm.overcommit_memory\"]"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.linux.sysctls = ["net.core.somaxconn": "1\n2"] }, "config.linux.sysctls[\"net.core.somaxconn\"]"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in var m = Runtime_V1_PortMapping(); m.containerPort = 0; c.portMappings = [m] }, "config.port_mappings[0].container_port"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in var m = Runtime_V1_PortMapping(); m.containerPort = 80; m.hostPort = 70000; c.portMappings = [m] }, "config.port_mappings[0].host_port"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in var m = Runtime_V1_PortMapping(); m.containerPort = 80; m.hostIp = "localhost"; c.portMappings = [m] }, "config.port_mappings[0].host_ip"),
        ({ @Sendable (c: inout Runtime_V1_PodSandboxConfig) in c.linux.securityContext.namespaceOptions.network = .container }, "config.linux.security_context.namespace_options.network"),
    ] as [(@Sendable (inout Runtime_V1_PodSandboxConfig) -> Void, String)])
    func malformedIsInvalidArgumentNamingTheField(_ damage: @Sendable (inout Runtime_V1_PodSandboxConfig) -> Void, _ field: String) {
        var config = Self.config()
        damage(&config)
        do {
            _ = try SandboxConfigMapping(config, id: Self.id)
            Issue.record("\(field): accepted")
        } catch {
            #expect(error.code == .invalidArgument, "\(field): \(error)")
            #expect(error.message.hasPrefix(field + ":"), "\(error.message)")
        }
    }

    @Test func podNamesAreLabelsWhateverTheSandboxName() {
        #expect(SandboxConfigMapping.podName("../../x", id: Self.id) == "x-abababababab")
        #expect(SandboxConfigMapping.podName("Ünïcode", id: Self.id) == "n-code-abababababab")
        #expect(SandboxConfigMapping.podName("---", id: Self.id) == "abababababab")
        // critest's namespaces are 54 characters: the supervisor's socket path must fit 107.
        let namespace = "cri-test-namespace" + String(repeating: "0", count: 36)
        let budget = SandboxConfigMapping.nameBudget(runRoot: "/tmp/crit/run", namespace: namespace)
        let name = SandboxConfigMapping.podName("create-podsandbox-for-container-8c60609c", id: Self.id, maxLength: budget)
        #expect(("/tmp/crit/run/pods/" + namespace + "/" + name + "/supervisor.sock").utf8.count <= 107, "\(name)")
        #expect(name.hasSuffix("abababababab") || name == String(Self.id.prefix(budget)))
        #expect(SandboxConfigMapping.podName("web", id: Self.id, maxLength: 10) == "ababababab")
        var long = SandboxMappingTests.config()
        long.metadata.namespace = String(repeating: "n", count: 63)
        #expect(throws: RPCError.self) { try SandboxConfigMapping(long, id: Self.id, runRoot: "/tmp/" + String(repeating: "r", count: 40)) }
        #expect(SandboxConfigMapping.podName(String(repeating: "a", count: 300), id: Self.id).count == 53)
        #expect(SandboxRecord.newID().count == 64 && SandboxRecord.isIDLike(SandboxRecord.newID()))
        #expect(!SandboxRecord.isIDLike("../x") && !SandboxRecord.isIDLike(""))
    }
}

/// ContainerConfig to the v1 Container apply plans (D62), without a daemon.
struct ContainerMappingTests {
    static func config() -> Runtime_V1_ContainerConfig {
        var config = Runtime_V1_ContainerConfig()
        config.metadata.name = "app"
        config.image.image = "localhost/busybox:1"
        config.logPath = "app/0.log"
        return config
    }

    static func map(_ config: Runtime_V1_ContainerConfig) throws(RPCError) -> ContainerConfigMapping {
        try ContainerConfigMapping(config, name: "app-abababababab", logDirectory: "/var/log/pods/ns_p_u", seccompDirectory: "/var/lib/podctl/seccomp")
    }

    @Test func fieldsBecomeTheContainerApplyPlans() throws {
        var config = Self.config()
        config.command = ["sh", "-c"]
        config.args = ["echo $A"]
        config.workingDir = "/tmp"
        var pair = Runtime_V1_KeyValue()
        pair.key = "A"
        pair.value = "b=c"
        config.envs = [pair]
        var mount = Runtime_V1_Mount()
        mount.containerPath = "/data"
        mount.hostPath = "/srv/data"
        mount.readonly = true
        config.mounts = [mount]
        config.linux.securityContext.runAsUser.value = 1000
        config.linux.securityContext.noNewPrivs = true
        config.linux.securityContext.capabilities.dropCapabilities = ["ALL"]
        config.linux.securityContext.seccomp.profileType = .localhost
        config.linux.securityContext.seccomp.localhostRef = "/var/lib/podctl/seccomp/strict.json"
        config.linux.resources.cpuShares = 512
        config.linux.resources.cpuQuota = 50_000
        config.linux.resources.cpuPeriod = 100_000
        config.linux.resources.memoryLimitInBytes = 64 << 20
        let mapping = try Self.map(config)
        let container = mapping.container
        #expect(container.name == "app-abababababab" && container.image == "localhost/busybox:1")
        #expect(container.command == ["sh", "-c"] && container.args == ["echo $A"] && container.workingDir == "/tmp")
        #expect(container.env?.first?.name == "A" && container.env?.first?.value == "b=c")
        #expect(container.volumeMounts?.first?.mountPath == "/data" && container.volumeMounts?.first?.readOnly == true)
        #expect(mapping.volumes.first?.hostPath?.path == "/srv/data" && mapping.volumes.first?.name == container.volumeMounts?.first?.name)
        #expect(container.securityContext?.runAsUser == 1000 && container.securityContext?.allowPrivilegeEscalation == false)
        #expect(container.securityContext?.capabilities?.drop == ["ALL"])
        #expect(container.securityContext?.seccompProfile?.type == "Localhost" && container.securityContext?.seccompProfile?.localhostProfile == "strict.json")
        #expect(container.resources?.requests?["cpu"] == Quantity("500m") && container.resources?.limits?["cpu"] == Quantity("500m"))
        #expect(container.resources?.limits?["memory"] == Quantity("67108864"))
        #expect(mapping.options.logPath == "/var/log/pods/ns_p_u/app/0.log")
        config.linux.securityContext.supplementalGroups = [1234, 5678]
        #expect(try Self.map(config).options.supplementalGroups == [1234, 5678])
        // no_new_privs false is escalation allowed (critest's NoNewPrivs spec runs a
        // setuid program), not podctl's default for an unset field.
        config.linux.securityContext.noNewPrivs = false
        #expect(try Self.map(config).container.securityContext?.allowPrivilegeEscalation == true)
    }

    @Test(arguments: [
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.metadata.name = "" }, "config.metadata.name"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.image.image = "" }, "config.image.image"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.workingDir = "relative" }, "config.working_dir"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.args = ["ok", "a\u{0}b"] }, "config.args[1]"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in var p = Runtime_V1_KeyValue(); p.key = "A=B"; c.envs = [p] }, "config.envs[0]"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in var m = Runtime_V1_Mount(); m.containerPath = "/x/../../etc"; m.hostPath = "/srv"; c.mounts = [m] }, "config.mounts[0].container_path"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in var m = Runtime_V1_Mount(); m.containerPath = "/x"; m.hostPath = "srv"; c.mounts = [m] }, "config.mounts[0].host_path"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.logPath = "../../etc/cron.d/x" }, "config.log_path"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.securityContext.seccomp.profileType = .localhost; c.linux.securityContext.seccomp.localhostRef = "profiles/x.json" }, "config.linux.security_context.seccomp.localhost_ref"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.securityContext.runAsGroup.value = 5 }, "config.linux.security_context.run_as_group"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.securityContext.maskedPaths = ["/proc/kcore", "proc/x"] }, "config.linux.security_context.masked_paths[1]"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.securityContext.supplementalGroups = [5, -1] }, "config.linux.security_context.supplemental_groups[1]"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.securityContext.seccomp.profileType = .localhost; c.linux.securityContext.seccomp.localhostRef = "/var/lib/kubelet/seccomp/../../../etc/x" }, "config.linux.security_context.seccomp.localhost_ref"),
        // Values no kernel takes, which the arithmetic of the mapping would overflow on.
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.resources.cpuShares = .max }, "config.linux.resources.cpu_shares"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.resources.cpuQuota = .max }, "config.linux.resources.cpu_quota"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.resources.cpuPeriod = 10 }, "config.linux.resources.cpu_period"),
        ({ @Sendable (c: inout Runtime_V1_ContainerConfig) in c.linux.resources.memoryLimitInBytes = -5 }, "config.linux.resources.memory_limit_in_bytes"),
    ] as [(@Sendable (inout Runtime_V1_ContainerConfig) -> Void, String)])
    func malformedIsInvalidArgumentNamingTheField(_ damage: @Sendable (inout Runtime_V1_ContainerConfig) -> Void, _ field: String) {
        var config = Self.config()
        damage(&config)
        do {
            _ = try Self.map(config)
            Issue.record("\(field): accepted")
        } catch {
            #expect(error.code == .invalidArgument, "\(field): \(error)")
            #expect(error.message.hasPrefix(field + ":"), "\(error.message)")
        }
    }

    /// containerd's rule: no profile is unconfined; the deprecated path names work too.
    @Test func seccompWithoutAProfileIsUnconfined() throws {
        #expect(try Self.map(Self.config()).container.securityContext?.seccompProfile?.type == "Unconfined")
        var config = Self.config()
        config.linux.securityContext.seccompProfilePath = "runtime/default"
        #expect(try Self.map(config).container.securityContext?.seccompProfile?.type == "RuntimeDefault")
        config.linux.securityContext.seccompProfilePath = "localhost//opt/profile.json"
        #expect(try Self.map(config).container.securityContext?.seccompProfile?.localhostProfile == "/opt/profile.json")
    }

    @Test func supervisorTimesBecomeNanoseconds() {
        #expect(ContainerView.nanoseconds("2026-12-03T07:09:03Z") == 1_796_281_743 * 1_000_000_000)
        #expect(ContainerView.nanoseconds("garbage") == 0)
    }
}
