import PodCore
@_exported import PodNetlink

/// The pod network of one podctl instance: its bridge, its subnet and where its state
/// lives. `PODCTL_BRIDGE` and `PODCTL_SUBNET` override the defaults (docs/network.md).
public struct NetworkConfig: Sendable, Equatable {
    public static let defaultBridge = "podctl0"
    public static let defaultSubnet = IPv4Subnet(network: IPv4Address(10, 88, 0, 0), prefixLength: 16)!

    public let bridge: String
    public let subnet: IPv4Subnet
    /// `<root>/network`: the lease file and the locks.
    public let stateDirectory: String

    /// The first address of the subnet, on the bridge.
    public var gateway: IPv4Address { subnet.address(1) }

    public init(root: String, bridge: String = defaultBridge, subnet: IPv4Subnet = defaultSubnet) throws(PodError) {
        if let problem = Self.bridgeNameProblem(bridge) {
            throw PodError(.invalidArgument, "invalid bridge name \"\(bridge)\" (PODCTL_BRIDGE): \(problem)")
        }
        if let problem = Self.subnetProblem(subnet) {
            throw PodError(.invalidArgument, "invalid pod subnet \(subnet) (PODCTL_SUBNET): \(problem)")
        }
        self.bridge = bridge
        self.subnet = subnet
        stateDirectory = root + "/network"
    }

    /// The defaults, overridden by `PODCTL_BRIDGE` and `PODCTL_SUBNET` when set and not empty.
    public static func resolve(root: String, environment: [String: String]) throws(PodError) -> NetworkConfig {
        var subnet = defaultSubnet
        if let text = environment["PODCTL_SUBNET"], !text.isEmpty {
            guard let parsed = IPv4Subnet(text) else {
                throw PodError(.invalidArgument, "PODCTL_SUBNET=\(text) is not an IPv4 network in CIDR form" + hint(text))
            }
            subnet = parsed
        }
        let bridge = environment["PODCTL_BRIDGE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultBridge
        return try NetworkConfig(root: root, bridge: bridge, subnet: subnet)
    }

    /// "did you mean 10.88.0.0/16?" for an address with host bits set.
    private static func hint(_ text: String) -> String {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = IPv4Address(parts[0]), let length = UInt8(parts[1]), length <= 32 else {
            return " such as 10.88.0.0/16"
        }
        return " (the host bits are set: did you mean \(IPv4Subnet.containing(address, prefixLength: length))?)"
    }

    static func bridgeNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > Netlink.maximumNameLength { return "interface names have at most \(Netlink.maximumNameLength) bytes" }
        if name == "." || name == ".." { return "it is not a valid interface name" }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == 0x2d || byte == 0x5f || byte == 0x2e
        }
        return allowed ? nil : "use letters, digits, '-', '_' and '.' only"
    }

    static func subnetProblem(_ subnet: IPv4Subnet) -> String? {
        if subnet.prefixLength < 8 { return "a prefix shorter than /8 is too large" }
        if subnet.prefixLength > 30 { return "a prefix longer than /30 leaves no address for a pod" }
        let first = subnet.network.value >> 24
        if first == 0 || first == 127 || first >= 224 { return "not a unicast range (0/8, 127/8, multicast and reserved are refused)" }
        if subnet.network.value >> 16 == 0xa9fe { return "169.254.0.0/16 is link-local" }
        return nil
    }
}
