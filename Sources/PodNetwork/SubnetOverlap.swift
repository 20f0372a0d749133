/// Decides whether the pod subnet would clash with what the host already routes.
/// Pure: the caller passes the routes and addresses it read over netlink.
public enum SubnetOverlap {
    /// What overlaps `subnet`, described for an error message, or nil when nothing does.
    ///
    /// Counted: every IPv4 route of any table but `local` whose destination overlaps the
    /// subnet, and every address inside the subnet on another interface (a /32 address
    /// has no route outside the local table). Not counted: default routes (0.0.0.0/0
    /// overlaps everything), local/broadcast/multicast entries, and whatever is on the
    /// bridge itself (`bridgeIndex`), which is podctl's own.
    public static func conflict(
        for subnet: IPv4Subnet, routes: [RouteInfo], addresses: [AddressInfo] = [], bridgeIndex: Int32?,
        interfaceNames: [Int32: String] = [:]
    ) -> String? {
        func device(_ index: Int32?) -> String {
            guard let index else { return "" }
            return " dev " + (interfaceNames[index] ?? "#\(index)")
        }
        for route in routes {
            guard route.destination.prefixLength > 0, !route.isLocalTable else { continue }
            guard route.type == 1 || route.type >= 6 else { continue }  // unicast, blackhole, unreachable, prohibit, throw
            if let bridgeIndex, route.outputIndex == bridgeIndex { continue }
            if route.destination.overlaps(subnet) {
                var text = "route \(route.destination)"
                if let gateway = route.gateway { text += " via \(gateway)" }
                text += device(route.outputIndex)
                if route.table != 254 { text += " table \(route.table)" }
                return text
            }
        }
        for address in addresses where address.index != bridgeIndex && subnet.contains(address.address) {
            return "address \(address.address)/\(address.prefixLength)\(device(address.index))"
        }
        return nil
    }
}
