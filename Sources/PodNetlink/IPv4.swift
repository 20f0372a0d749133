/// An IPv4 address as a number in host byte order, so arithmetic and ordering are plain.
/// Text form is the dotted quad; `Codable` uses it too.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var value: UInt32

    public init(_ value: UInt32) {
        self.value = value
    }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses `a.b.c.d` (four decimal parts, 0–255, no leading `+`, no spaces).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0 >= "0" && $0 <= "9" }), let byte = UInt8(part) else { return nil }
            result = result << 8 | UInt32(byte)
        }
        value = result
    }

    /// The four bytes in network order, as the kernel wants them in netlink attributes.
    public var bytes: [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    public init(networkBytes bytes: some Collection<UInt8>) {
        value = bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }

    public var isUnspecified: Bool { value == 0 }
    public var isLoopback: Bool { value >> 24 == 127 }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = IPv4Address(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an IPv4 address: \"\(text)\"")
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An IPv4 network in CIDR form, `10.88.0.0/16`. The address is always the network
/// address (host bits zero): `10.88.0.1/16` is refused, so a typo cannot pass as a subnet.
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible, Codable {
    public let network: IPv4Address
    public let prefixLength: UInt8

    public init?(network: IPv4Address, prefixLength: UInt8) {
        guard prefixLength <= 32 else { return nil }
        let subnet = IPv4Subnet(unchecked: network, prefixLength)
        guard network.value & ~subnet.mask == 0 else { return nil }
        self = subnet
    }

    private init(unchecked network: IPv4Address, _ prefixLength: UInt8) {
        self.network = network
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d/n`. Nil for anything else, host bits included.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]),
              parts[1].count <= 2, parts[1].allSatisfy({ $0 >= "0" && $0 <= "9" }), let length = UInt8(parts[1])
        else { return nil }
        self.init(network: address, prefixLength: length)
    }

    /// The network that contains `address` with this prefix length (host bits cleared).
    public static func containing(_ address: IPv4Address, prefixLength: UInt8) -> IPv4Subnet {
        let length = min(prefixLength, 32)
        let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - UInt32(length))
        return IPv4Subnet(unchecked: IPv4Address(address.value & mask), length)
    }

    public var mask: UInt32 {
        prefixLength == 0 ? 0 : ~UInt32(0) << (32 - UInt32(prefixLength))
    }

    /// The last address of the network (the broadcast address when prefixLength < 31).
    public var last: IPv4Address { IPv4Address(network.value | ~mask) }

    /// Number of addresses, network and broadcast included.
    public var size: UInt64 { UInt64(1) << (32 - UInt64(prefixLength)) }

    public func contains(_ address: IPv4Address) -> Bool {
        address.value & mask == network.value
    }

    /// Two networks overlap when one contains the other's network address.
    public func overlaps(_ other: IPv4Subnet) -> Bool {
        contains(other.network) || other.contains(network)
    }

    /// The `n`th address of the network (`0` is the network address itself).
    public func address(_ n: UInt32) -> IPv4Address { IPv4Address(network.value &+ n) }

    public var description: String { "\(network)/\(prefixLength)" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let subnet = IPv4Subnet(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an IPv4 subnet: \"\(text)\"")
        }
        self = subnet
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
