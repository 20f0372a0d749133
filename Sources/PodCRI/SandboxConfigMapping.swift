import Glibc
import GRPCCore
import PodCore
import PodCRIProtocol
import PodModel
import PodRuntime

/// A `PodSandboxConfig` as the v1 Pod apply runs (D62): the same planner, network, /etc
/// files and supervisor, so a CRI sandbox and an applied pod cannot drift apart. Every
/// string of the request is hostile: each is checked here, and the error names the field
/// in the proto's spelling (`config.hostname`), as containerd's do.
struct SandboxConfigMapping {
    let pod: Pod
    let options: SandboxOptions

    /// `id`: the sandbox's ID, whose first 12 characters make the pod's name unique;
    /// `runRoot`: podctl's run root, which bounds the name's length (podName).
    /// `podctlPool`: the host IDs of apply's user namespaces, which a CRI mapping must not reach.
    init(_ config: Runtime_V1_PodSandboxConfig, id: String, runRoot: String = "/run/podctl", podctlPool: UserNamespaceRanges.Pool? = nil) throws(RPCError) {
        guard config.hasMetadata else { throw RPCFailure.invalid("config.metadata", "the sandbox metadata is required") }
        let metadata = config.metadata
        if metadata.name.isEmpty { throw RPCFailure.invalid("config.metadata.name", "a sandbox name is required") }
        if let problem = NameRules.namespaceProblem(metadata.namespace) {
            throw RPCFailure.invalid("config.metadata.namespace", "\(Self.quoted(metadata.namespace)): \(problem)")
        }
        let budget = Self.nameBudget(runRoot: runRoot, namespace: metadata.namespace)
        guard budget >= 8 else {
            throw RPCFailure.invalid("config.metadata.namespace", "\(Self.quoted(metadata.namespace)) is too long for the unix socket paths under the run root \(runRoot); use a shorter --run-root")
        }
        var spec = PodSpec(containers: [])
        // The kubelet decides restarts (RestartMode.never); the policy only shows in `podctl get`.
        spec.restartPolicy = "Never"
        spec.terminationGracePeriodSeconds = 0
        if !config.hostname.isEmpty {
            if let problem = NameRules.labelErrors(config.hostname).first {
                throw RPCFailure.invalid("config.hostname", "\(Self.quoted(config.hostname)): \(problem)")
            }
            spec.hostname = config.hostname
        }
        let namespaces = config.linux.securityContext.namespaceOptions
        try Self.apply(namespaces, to: &spec)
        try Self.apply(config.dnsConfig, given: config.hasDnsConfig, to: &spec)
        spec.securityContext = try Self.securityContext(sysctls: config.linux.sysctls)
        let idMap = try SandboxUserNamespace.idMap(namespaces, field: "config.linux.security_context.namespace_options", podctlPool: podctlPool)
        if idMap != nil { spec.hostUsers = false }
        pod = Pod(metadata: ObjectMeta(name: Self.podName(metadata.name, id: id, maxLength: budget), namespace: metadata.namespace), spec: spec)
        options = SandboxOptions(ports: try Self.ports(config.portMappings), idMap: idMap)
    }

    /// The pod's name: the sandbox name made an RFC 1123 label part, then the ID's first
    /// 12 characters, so `podctl get pods -A` shows CRI sandboxes by namespace and a new
    /// attempt of the same pod never meets the old one. At most `maxLength` characters:
    /// the supervisor's socket `RUN-ROOT/pods/NS/NAME/supervisor.sock` must fit a unix
    /// socket address (108 bytes), and the kubelet's namespaces are long (critest's are
    /// 54 characters); with little room the name is the ID's first characters alone.
    static func podName(_ name: String, id: String, maxLength: Int = 53) -> String {
        guard maxLength >= 14 else { return String(id.prefix(maxLength)) }
        var cleaned = String(name.lowercased().unicodeScalars.prefix(min(40, maxLength - 13)).map { scalar -> Character in
            (scalar.value < 128 && (scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)))) ? Character(scalar) : "-"
        })
        while cleaned.hasPrefix("-") { cleaned.removeFirst() }
        while cleaned.hasSuffix("-") { cleaned.removeLast() }
        return cleaned.isEmpty ? String(id.prefix(12)) : cleaned + "-" + id.prefix(12)
    }

    /// How long a pod name in `namespace` may be under `runRoot` (podName); below 8
    /// characters the namespace is refused.
    static func nameBudget(runRoot: String, namespace: String) -> Int {
        let fixed = runRoot.utf8.count + "/pods/".count + namespace.utf8.count + "/".count + "/supervisor.sock".count
        return min(53, 107 - fixed)
    }

    /// NamespaceOption: POD (the zero value) is the pod's own; NODE is the host's. For
    /// pid, POD shares the pause's namespace among the containers (shareProcessNamespace)
    /// and CONTAINER gives each its own, as the kubelet asks for a pod without it.
    static func apply(_ options: Runtime_V1_NamespaceOption, to spec: inout PodSpec) throws(RPCError) {
        let field = "config.linux.security_context.namespace_options"
        switch options.network {
        case .pod: break
        case .node: spec.hostNetwork = true
        default: throw RPCFailure.invalid(field + ".network", "\(options.network) is not a network namespace mode a sandbox can have (POD or NODE)")
        }
        switch options.pid {
        case .pod: spec.shareProcessNamespace = true
        case .container: spec.shareProcessNamespace = false
        case .node: spec.hostPID = true
        default: throw RPCFailure.invalid(field + ".pid", "\(options.pid) is not a PID namespace mode a sandbox can have (POD, CONTAINER or NODE)")
        }
        switch options.ipc {
        case .pod: break
        case .node: spec.hostIPC = true
        default: throw RPCFailure.invalid(field + ".ipc", "\(options.ipc) is not an IPC namespace mode a sandbox can have (POD or NODE)")
        }
    }

    /// DNSConfig: the kubelet's servers, searches and options make the resolv.conf alone
    /// (dnsPolicy None); without any, the host's resolv.conf (containerd's rule). Each
    /// string is one word of resolv.conf: whitespace or a control character would splice
    /// a line of its own into it.
    static func apply(_ dns: Runtime_V1_DNSConfig, given: Bool, to spec: inout PodSpec) throws(RPCError) {
        guard given, !(dns.servers.isEmpty && dns.searches.isEmpty && dns.options.isEmpty) else {
            spec.dnsPolicy = "Default"
            return
        }
        for (index, server) in dns.servers.enumerated() where !isIPAddress(server) {
            throw RPCFailure.invalid("config.dns_config.servers[\(index)]", "\(quoted(server)) is not an IP address")
        }
        for (field, words) in [("searches", dns.searches), ("options", dns.options)] {
            for (index, word) in words.enumerated() where !isWord(word) {
                throw RPCFailure.invalid("config.dns_config.\(field)[\(index)]", "\(quoted(word)) must be one word of at most 253 characters, without spaces or control characters")
            }
        }
        spec.dnsPolicy = "None"
        spec.dnsConfig = PodDNSConfig(nameservers: dns.servers, searches: dns.searches, options: dns.options.map { option in
            let parts = option.split(separator: ":", maxSplits: 1).map(String.init)
            return PodDNSConfigOption(name: parts.first ?? option, value: parts.count > 1 ? parts[1] : nil)
        })
    }

    /// Linux sysctls: the namespaced ones only (the kubelet's list,
    /// pkg/kubelet/sysctl/namespace.go: kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*,
    /// net.*); the kubelet has already applied its allow-list. Names are dotted or slashed
    /// words: never `..`, so the write stays under /proc/sys.
    static func securityContext(sysctls: [String: String]) throws(RPCError) -> PodSecurityContext? {
        guard !sysctls.isEmpty else { return nil }
        var context = PodSecurityContext()
        var items: [Sysctl] = []
        for (name, value) in sysctls.sorted(by: { $0.key < $1.key }) {
            let field = "config.linux.sysctls[\(quoted(name))]"
            let dotted = String(name.map { $0 == "/" ? "." : $0 })
            let parts = dotted.split(separator: ".", omittingEmptySubsequences: false)
            guard name.utf8.count <= 253, parts.count >= 2,
                  parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { isSysctlByte($0) } }) else {
                throw RPCFailure.invalid(field, "not a sysctl name (dotted words of letters, digits, '_' and '-')")
            }
            guard isNamespaced(dotted) else {
                throw RPCFailure.invalid(field, "not a namespaced sysctl: only kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.* can be set for a pod")
            }
            guard value.utf8.count <= 4096, value.utf8.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }) else {
                throw RPCFailure.invalid(field, "the value must be one line of at most 4096 bytes")
            }
            items.append(Sysctl(name: dotted, value: value))
        }
        context.sysctls = items
        return context
    }

    static func isNamespaced(_ name: String) -> Bool {
        name.hasPrefix("kernel.shm") || name.hasPrefix("kernel.msg") || name == "kernel.sem"
            || name.hasPrefix("fs.mqueue.") || name.hasPrefix("net.")
    }

    private static func isSysctlByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5f || byte == 0x2d
    }

    /// PortMapping: a host port of 0 publishes nothing (containerd skips it).
    static func ports(_ mappings: [Runtime_V1_PortMapping]) throws(RPCError) -> [PortPlan] {
        var ports: [PortPlan] = []
        for (index, mapping) in mappings.enumerated() {
            let field = "config.port_mappings[\(index)]"
            let proto: String
            switch mapping.protocol {
            case .tcp: proto = "TCP"
            case .udp: proto = "UDP"
            case .sctp: proto = "SCTP"
            default: throw RPCFailure.invalid(field + ".protocol", "\(mapping.protocol) is not TCP, UDP or SCTP")
            }
            guard (1...65535).contains(mapping.containerPort) else {
                throw RPCFailure.invalid(field + ".container_port", "\(mapping.containerPort) is not a port number (1 to 65535)")
            }
            guard (0...65535).contains(mapping.hostPort) else {
                throw RPCFailure.invalid(field + ".host_port", "\(mapping.hostPort) is not a port number (0 to 65535)")
            }
            guard mapping.hostIp.isEmpty || isIPAddress(mapping.hostIp) else {
                throw RPCFailure.invalid(field + ".host_ip", "\(quoted(mapping.hostIp)) is not an IP address")
            }
            if mapping.hostPort == 0 { continue }
            ports.append(PortPlan(proto: proto, hostIP: mapping.hostIp.isEmpty ? nil : mapping.hostIp, hostPort: Int(mapping.hostPort), containerPort: Int(mapping.containerPort)))
        }
        return ports
    }

    static func isIPAddress(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return text.utf8.count <= 45 && (inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1)
    }

    static func isWord(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 253 && text.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7f }
    }

    /// A request's string in a message: quoted, bounded, control characters escaped.
    static func quoted(_ text: String) -> String {
        let shown = text.unicodeScalars.prefix(80).map { $0.value < 0x20 || $0.value == 0x7f ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "\"" + shown + (text.unicodeScalars.count > 80 ? "…" : "") + "\""
    }
}
