import CRtnetlink
import Glibc
import PodCore

/// An IPv4 address on an interface.
public struct AddressInfo: Sendable, Equatable {
    public var index: Int32
    public var address: IPv4Address
    public var prefixLength: UInt8

    public init(index: Int32, address: IPv4Address, prefixLength: UInt8) {
        self.index = index
        self.address = address
        self.prefixLength = prefixLength
    }
}

/// An IPv4 route, as far as the overlap check and the tests need one.
public struct RouteInfo: Sendable, Equatable, CustomStringConvertible {
    public var destination: IPv4Subnet
    public var gateway: IPv4Address?
    public var outputIndex: Int32?
    public var table: UInt32
    /// RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, …
    public var type: UInt8

    public init(destination: IPv4Subnet, gateway: IPv4Address? = nil, outputIndex: Int32? = nil, table: UInt32 = 254, type: UInt8 = 1) {
        self.destination = destination
        self.gateway = gateway
        self.outputIndex = outputIndex
        self.table = table
        self.type = type
    }

    public var isLocalTable: Bool { table == Netlink.tableLocal }

    public var description: String {
        var text = destination.prefixLength == 0 ? "default" : destination.description
        if let gateway { text += " via \(gateway)" }
        if let outputIndex { text += " dev #\(outputIndex)" }
        if table != UInt32(Netlink.tableMain) { text += " table \(table)" }
        return text
    }
}

extension NetlinkSocket {
    /// IPv4 addresses, of one interface or of all.
    public func addresses(index: Int32? = nil) throws(PodError) -> [AddressInfo] {
        var header = ifaddrmsg()
        header.ifa_family = Netlink.familyIPv4
        return try dump(UInt16(RTM_GETADDR), header: header, what: "cannot list addresses").compactMap { message in
            guard message.type == UInt16(RTM_NEWADDR), let header = message.header(ifaddrmsg.self) else { return nil }
            let attributes = message.attributes(after: ifaddrmsg.self)
            guard let address = attributes.ipv4(Int(IFA_LOCAL)) ?? attributes.ipv4(Int(IFA_ADDRESS)) else { return nil }
            let info = AddressInfo(index: Int32(bitPattern: header.ifa_index), address: address, prefixLength: header.ifa_prefixlen)
            return index == nil || info.index == index ? info : nil
        }
    }

    /// Adds `address/prefixLength` to interface `index` with the subnet's broadcast
    /// address (fails with EEXIST if it is there).
    public func addAddress(_ address: IPv4Address, prefixLength: UInt8, index: Int32, name: String) throws(PodError) {
        var header = ifaddrmsg()
        header.ifa_family = Netlink.familyIPv4
        header.ifa_prefixlen = prefixLength
        header.ifa_scope = Netlink.scopeUniverse
        header.ifa_index = UInt32(bitPattern: index)
        try request(UInt16(RTM_NEWADDR), flags: NLM_F_CREATE | NLM_F_EXCL, header: header,
                    what: "cannot add address \(address)/\(prefixLength) to \(name)", path: name) {
            $0.put(Int(IFA_LOCAL), bytes: address.bytes)
            $0.put(Int(IFA_ADDRESS), bytes: address.bytes)
            if prefixLength < 31 {
                $0.put(Int(IFA_BROADCAST), bytes: IPv4Subnet.containing(address, prefixLength: prefixLength).last.bytes)
            }
        }
    }

    /// Every IPv4 route of every table.
    public func routes() throws(PodError) -> [RouteInfo] {
        var header = rtmsg()
        header.rtm_family = Netlink.familyIPv4
        return try dump(UInt16(RTM_GETROUTE), header: header, what: "cannot list routes").compactMap { message in
            guard message.type == UInt16(RTM_NEWROUTE), let header = message.header(rtmsg.self) else { return nil }
            let attributes = message.attributes(after: rtmsg.self)
            let destination = attributes.ipv4(Int(RTA_DST.rawValue)) ?? IPv4Address(0)
            return RouteInfo(
                destination: IPv4Subnet.containing(destination, prefixLength: header.rtm_dst_len),
                gateway: attributes.ipv4(Int(RTA_GATEWAY.rawValue)),
                outputIndex: attributes.u32(Int(RTA_OIF.rawValue)).map { Int32(bitPattern: $0) },
                table: attributes.u32(Int(RTA_TABLE.rawValue)) ?? UInt32(header.rtm_table),
                type: header.rtm_type)
        }
    }

    /// `default via gateway dev index` in the main table (fails with EEXIST if a default route exists).
    public func addDefaultRoute(via gateway: IPv4Address, index: Int32, name: String) throws(PodError) {
        var header = rtmsg()
        header.rtm_family = Netlink.familyIPv4
        header.rtm_dst_len = 0
        header.rtm_table = Netlink.tableMain
        header.rtm_protocol = Netlink.protocolBoot
        header.rtm_scope = Netlink.scopeUniverse
        header.rtm_type = Netlink.routeUnicast
        try request(UInt16(RTM_NEWROUTE), flags: NLM_F_CREATE | NLM_F_EXCL, header: header,
                    what: "cannot add the default route via \(gateway) on \(name)", path: name) {
            $0.put(Int(RTA_GATEWAY.rawValue), bytes: gateway.bytes)
            $0.put(Int(RTA_OIF.rawValue), u32: UInt32(bitPattern: index))
        }
    }
}
