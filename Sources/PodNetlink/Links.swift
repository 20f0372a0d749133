import CRtnetlink
import Glibc
import PodCore

/// What podctl needs to know of a network interface.
public struct LinkInfo: Sendable, Equatable {
    public var index: Int32
    public var name: String
    public var flags: UInt32
    public var mtu: UInt32
    /// The bridge this link is a port of.
    public var master: Int32?
    /// `IFLA_INFO_KIND`: "bridge", "veth", …; nil for physical devices and `lo`.
    public var kind: String?
    /// `IFLA_IFALIAS`: podctl writes the pod's key on the host end of its veth.
    public var alias: String?

    public var isUp: Bool { flags & Netlink.interfaceUp != 0 }
}

/// Constants of the rtnetlink ABI, in the integer types the calls below take.
public enum Netlink {
    public static let interfaceUp: UInt32 = 0x1  // IFF_UP (<linux/if.h>, which clashes with glibc's <net/if.h>)
    static let familyUnspecified = UInt8(AF_UNSPEC)
    static let familyIPv4 = UInt8(AF_INET)
    static let familyBridge: UInt8 = 7  // AF_BRIDGE
    static let bridgeModeHairpin: UInt8 = 1  // BRIDGE_MODE_HAIRPIN (<linux/if_bridge.h>)
    static let tableMain = UInt8(RT_TABLE_MAIN.rawValue)
    static let tableLocal = UInt32(RT_TABLE_LOCAL.rawValue)
    static let protocolBoot: UInt8 = 3  // RTPROT_BOOT
    static let scopeUniverse = UInt8(RT_SCOPE_UNIVERSE.rawValue)
    static let scopeLink = UInt8(RT_SCOPE_LINK.rawValue)
    static let routeUnicast = UInt8(RTN_UNICAST)
    /// Interface names are at most IFNAMSIZ - 1 bytes.
    public static let maximumNameLength = 15
}

extension NetlinkSocket {
    /// The link called `name`, or nil when there is none.
    public func link(named name: String) throws(PodError) -> LinkInfo? {
        var header = ifinfomsg()
        header.ifi_family = Netlink.familyUnspecified
        do throws(PodError) {
            let answer = try get(UInt16(RTM_GETLINK), header: header, what: "cannot look up interface \(name)", path: name) {
                $0.put(IFLA_IFNAME, string: name)
            }
            return Self.linkInfo(answer)
        } catch where error.errno == ENODEV {
            return nil
        }
    }

    /// Every link of this network namespace.
    public func links() throws(PodError) -> [LinkInfo] {
        var header = ifinfomsg()
        header.ifi_family = Netlink.familyUnspecified
        return try dump(UInt16(RTM_GETLINK), header: header, what: "cannot list interfaces").compactMap(Self.linkInfo)
    }

    static func linkInfo(_ message: NetlinkMessage) -> LinkInfo? {
        guard message.type == UInt16(RTM_NEWLINK), let header = message.header(ifinfomsg.self) else { return nil }
        let attributes = message.attributes(after: ifinfomsg.self)
        let master = attributes.u32(IFLA_MASTER).map { Int32(bitPattern: $0) }
        return LinkInfo(
            index: header.ifi_index, name: attributes.string(IFLA_IFNAME) ?? "", flags: header.ifi_flags,
            mtu: attributes.u32(IFLA_MTU) ?? 0, master: master == 0 ? nil : master,
            kind: attributes.nested(IFLA_LINKINFO)?.string(IFLA_INFO_KIND), alias: attributes.string(IFLA_IFALIAS))
    }

    /// Creates a bridge (fails with EEXIST if the name is taken). With `address`, its MAC
    /// is set: a bridge whose MAC was not set takes the lowest of its ports' (net/bridge,
    /// br_stp_recalculate_bridge_id), so it changes when that pod's veth goes, and every
    /// other pod's ARP entry for the gateway points nowhere for seconds (its DNS and
    /// default route with it). A set MAC stays.
    public func createBridge(_ name: String, address: [UInt8]? = nil) throws(PodError) {
        var header = ifinfomsg()
        header.ifi_family = Netlink.familyUnspecified
        try request(UInt16(RTM_NEWLINK), flags: NLM_F_CREATE | NLM_F_EXCL, header: header, what: "cannot create bridge \(name)", path: name) {
            $0.put(IFLA_IFNAME, string: name)
            if let address { $0.put(IFLA_ADDRESS, bytes: address) }
            $0.nest(IFLA_LINKINFO) { $0.put(IFLA_INFO_KIND, string: "bridge") }
        }
    }

    /// Creates a veth pair in one request: `name` here (a port of bridge `master`, up),
    /// and `peer` directly in the network namespace of process `peerNamespacePID`
    /// (IFLA_NET_NS_PID), so the pod's end never appears in this namespace. Both ends get
    /// `mtu`. Fails with EEXIST if `name` is taken here.
    public func createVeth(
        _ name: String, master: Int32?, mtu: UInt32, peer: String, peerNamespacePID: Int32?
    ) throws(PodError) {
        var header = ifinfomsg()
        header.ifi_family = Netlink.familyUnspecified
        header.ifi_flags = Netlink.interfaceUp
        header.ifi_change = Netlink.interfaceUp
        let place = peerNamespacePID.map { " in the network namespace of process \($0)" } ?? ""
        try request(UInt16(RTM_NEWLINK), flags: NLM_F_CREATE | NLM_F_EXCL, header: header,
                    what: "cannot create veth pair \(name) / \(peer)\(place)", path: name) {
            $0.put(IFLA_IFNAME, string: name)
            $0.put(IFLA_MTU, u32: mtu)
            if let master { $0.put(IFLA_MASTER, u32: UInt32(bitPattern: master)) }
            $0.nest(IFLA_LINKINFO) {
                $0.put(IFLA_INFO_KIND, string: "veth")
                $0.nest(IFLA_INFO_DATA) {
                    $0.nest(Int(VETH_INFO_PEER)) {
                        var peerHeader = ifinfomsg()
                        peerHeader.ifi_family = Netlink.familyUnspecified
                        $0.append(raw: peerHeader)
                        $0.put(IFLA_IFNAME, string: peer)
                        $0.put(IFLA_MTU, u32: mtu)
                        if let peerNamespacePID { $0.put(IFLA_NET_NS_PID, u32: UInt32(bitPattern: peerNamespacePID)) }
                    }
                }
            }
        }
    }

    /// Sets IFF_UP on a link.
    public func setUp(index: Int32, name: String) throws(PodError) {
        var header = ifinfomsg()
        header.ifi_family = Netlink.familyUnspecified
        header.ifi_index = index
        header.ifi_flags = Netlink.interfaceUp
        header.ifi_change = Netlink.interfaceUp
        try request(UInt16(RTM_NEWLINK), header: header, what: "cannot bring interface \(name) up", path: name)
    }

    /// Sets the alias (IFLA_IFALIAS) of a link: `ip link` shows it, podctl finds its links by it.
    public func setAlias(index: Int32, name: String, alias: String) throws(PodError) {
        var header = ifinfomsg()
        header.ifi_family = Netlink.familyUnspecified
        header.ifi_index = index
        try request(UInt16(RTM_NEWLINK), header: header, what: "cannot set the alias of interface \(name)", path: name) {
            $0.put(IFLA_IFALIAS, string: alias)
        }
    }

    /// Hairpin mode on a bridge port (`bridge link set dev NAME hairpin on`): a frame may
    /// leave by the port it came in. Needed when br_netfilter NATs a pod's packet to a
    /// published port back to the same pod.
    public func setHairpin(index: Int32, name: String, on: Bool) throws(PodError) {
        var header = ifinfomsg()
        header.ifi_family = Netlink.familyBridge
        header.ifi_index = index
        try request(UInt16(RTM_SETLINK), header: header, what: "cannot set hairpin mode on bridge port \(name)", path: name) {
            $0.nest(IFLA_PROTINFO) { $0.put(Int(IFLA_BRPORT_MODE), u8: on ? Netlink.bridgeModeHairpin : 0) }
        }
    }

    /// Deletes a link by name (a veth's peer goes with it). False if there was none.
    @discardableResult
    public func deleteLink(named name: String) throws(PodError) -> Bool {
        var header = ifinfomsg()
        header.ifi_family = Netlink.familyUnspecified
        do throws(PodError) {
            try request(UInt16(RTM_DELLINK), header: header, what: "cannot delete interface \(name)", path: name) {
                $0.put(IFLA_IFNAME, string: name)
            }
            return true
        } catch where error.errno == ENODEV {
            return false
        }
    }
}
