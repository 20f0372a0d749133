import Glibc
import PodCore

/// What the pod's side of the network needs: the address of `eth0` and its gateway.
/// The host side (PodNetwork.attach) makes it; pod-helper applies it inside the pod's
/// network namespace with `PodInterface.configure`. `encoded` is one line of text, so
/// it fits a `key=value` launch plan as it is.
public struct PodInterfaceConfig: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var address: IPv4Address
    public var prefixLength: UInt8
    public var gateway: IPv4Address

    public init(name: String = "eth0", address: IPv4Address, prefixLength: UInt8, gateway: IPv4Address) {
        self.name = name
        self.address = address
        self.prefixLength = prefixLength
        self.gateway = gateway
    }

    /// `eth0 10.88.0.2/16 via 10.88.0.1`.
    public var encoded: String { "\(name) \(address)/\(prefixLength) via \(gateway)" }

    public init?(encoded: String) {
        let parts = encoded.split(separator: " ")
        guard parts.count == 4, parts[2] == "via", !parts[0].isEmpty, parts[0].utf8.count <= Netlink.maximumNameLength,
              let slash = parts[1].firstIndex(of: "/"),
              let address = IPv4Address(parts[1][..<slash]),
              let length = UInt8(parts[1][parts[1].index(after: slash)...]), length <= 32,
              let gateway = IPv4Address(parts[3])
        else { return nil }
        self.init(name: String(parts[0]), address: address, prefixLength: length, gateway: gateway)
    }

    public var description: String { encoded }
}

/// The part of pod networking that runs inside the pod's network namespace.
public enum PodInterface {
    /// Brings `lo` and the pod's interface up, gives it its address and adds the default
    /// route via the gateway. Call it in the pod's network namespace (pod-helper after
    /// `setns(CLONE_NEWNET)` into the pause's namespace), after `PodNetwork.attach` made
    /// the interface there. Standard library and Glibc only; safe in a single-threaded
    /// helper. An address or route that is already there as asked is not an error, so a
    /// retry after a partial failure completes the work.
    public static func configure(_ config: PodInterfaceConfig) throws(PodError) {
        let netlink = try NetlinkSocket()
        if let loopback = try netlink.link(named: "lo"), !loopback.isUp {
            try netlink.setUp(index: loopback.index, name: "lo")
        }
        guard let link = try netlink.link(named: config.name) else {
            throw PodError(.notFound, "the pod has no interface \(config.name): was the veth pair created in this network namespace?")
        }
        let present = try netlink.addresses(index: link.index)
        if !present.contains(where: { $0.address == config.address && $0.prefixLength == config.prefixLength }) {
            try netlink.addAddress(config.address, prefixLength: config.prefixLength, index: link.index, name: config.name)
        }
        if !link.isUp {
            try netlink.setUp(index: link.index, name: config.name)
        }
        let hasDefault = try netlink.routes().contains {
            $0.destination.prefixLength == 0 && $0.table == UInt32(Netlink.tableMain) && $0.gateway == config.gateway
        }
        if !hasDefault {
            try netlink.addDefaultRoute(via: config.gateway, index: link.index, name: config.name)
        }
    }
}
