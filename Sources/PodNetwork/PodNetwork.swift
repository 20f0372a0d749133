import Glibc
import PodCore
import PodOS


/// What `attach` made for a pod: its address, the host end of its veth, and the
/// configuration pod-helper applies inside the pod (`PodInterface.configure`).
public struct PodAttachment: Sendable, Equatable {
    public var pod: PodKey
    public var podIP: IPv4Address
    /// The host end of the veth pair, a port of the bridge.
    public var hostInterface: String
    public var mtu: UInt32
    /// `eth0 10.88.0.2/16 via 10.88.0.1`: for pod-helper, in the pod's network namespace.
    public var interface: PodInterfaceConfig
}

/// The bridge as `ensureBridge` left it.
public struct BridgeInfo: Sendable, Equatable {
    public var name: String
    public var index: Int32
    public var mtu: UInt32
    public var gateway: IPv4Address
    public var subnet: IPv4Subnet
}

/// Pod networking on the host side (docs/network.md). Every call works in the network
/// namespace of the calling thread, which must be the host's (the one podctl runs in):
/// the supervisor calls these; only `PodInterface.configure` runs inside the pod.
///
/// Changes are serialized across processes by `<root>/network/network.lock`; the
/// address allocator has its own lock inside (always taken second).
public struct PodNetwork: Sendable {
    public let config: NetworkConfig
    public let ipam: IPAM
    /// How long to wait for another podctl's network change before failing.
    public var lockWait: Double = 30

    public init(config: NetworkConfig) {
        self.config = config
        ipam = IPAM(directory: config.stateDirectory, subnet: config.subnet)
    }

    /// The host end of a pod's veth: `podv` and 8 hex digits of a hash of its key, so it
    /// fits IFNAMSIZ and teardown finds it without state. The alias says whose it is.
    /// The bridge's fixed MAC: locally administered unicast (02:…), then 0x50 and the
    /// gateway's four bytes, so bridges of other subnets differ (see createBridge).
    public static func bridgeMAC(gateway: IPv4Address) -> [UInt8] {
        [0x02, 0x50] + (0..<4).map { UInt8(truncatingIfNeeded: gateway.value >> (24 - 8 * $0)) }
    }

    public static func hostInterfaceName(for pod: PodKey) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in pod.description.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        return "podv" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    static func alias(for pod: PodKey) -> String { "podctl pod \(pod)" }

    // MARK: - The bridge

    /// Makes sure the bridge, its gateway address, forwarding and the nftables table are
    /// there; creates what is missing. Refuses a subnet that overlaps a route or address
    /// of the host (other than the bridge's own). Idempotent; `attach` calls it.
    @discardableResult
    public func ensureBridge() throws(PodError) -> BridgeInfo {
        try locked { () throws(PodError) in try ensureBridgeLocked() }
    }

    private func ensureBridgeLocked() throws(PodError) -> BridgeInfo {
        let netlink = try NetlinkSocket()
        var bridge = try netlink.link(named: config.bridge)
        if let bridge, bridge.kind != "bridge" {
            throw PodError(.alreadyExists, "interface \(config.bridge) exists and is not a bridge (\(bridge.kind ?? "a device")): set PODCTL_BRIDGE to another name")
        }
        let links = try netlink.links()
        let addresses = try netlink.addresses()
        if let overlap = SubnetOverlap.conflict(
            for: config.subnet, routes: try netlink.routes(), addresses: addresses, bridgeIndex: bridge?.index,
            interfaceNames: Dictionary(links.map { ($0.index, $0.name) }, uniquingKeysWith: { first, _ in first }))
        {
            throw PodError(.invalidArgument, "the pod subnet \(config.subnet) overlaps \(overlap) on this host: choose another subnet with PODCTL_SUBNET")
        }
        if bridge == nil {
            do throws(PodError) {
                try netlink.createBridge(config.bridge, address: Self.bridgeMAC(gateway: config.gateway))
            } catch where error.errno == EEXIST {
                // another podctl made it meanwhile
            }
            bridge = try netlink.link(named: config.bridge)
        }
        guard let bridge else { throw PodError(.internal, "bridge \(config.bridge) vanished right after it was created") }
        let own = addresses.filter { $0.index == bridge.index }
        if let other = own.first(where: { $0.address != config.gateway || $0.prefixLength != config.subnet.prefixLength }) {
            throw PodError(.invalidArgument, "bridge \(config.bridge) has address \(other.address)/\(other.prefixLength), not \(config.gateway)/\(config.subnet.prefixLength) of the pod subnet \(config.subnet): delete the bridge or set PODCTL_SUBNET to its subnet")
        }
        if own.isEmpty {
            do throws(PodError) {
                try netlink.addAddress(config.gateway, prefixLength: config.subnet.prefixLength, index: bridge.index, name: bridge.name)
            } catch where error.errno == EEXIST {}
        }
        if !bridge.isUp { try netlink.setUp(index: bridge.index, name: bridge.name) }
        // Forwarding, in this network namespace only: pods reach beyond the host through it.
        try Sysctl.set("net/ipv4/ip_forward", "1")
        // 127.0.0.1:hostPort: the DNATed packet leaves by the bridge with source 127.0.0.1,
        // which the kernel drops as martian unless route_localnet is on — on the bridge only.
        try Sysctl.set("net/ipv4/conf/\(bridge.name)/route_localnet", "1")
        if try !nftablesCurrent() {
            try Nftables.run(NftRuleset.base(bridge: config.bridge, subnet: config.subnet), what: "cannot install the nftables table \(NftRuleset.qualifiedTable)")
        }
        return BridgeInfo(name: bridge.name, index: bridge.index, mtu: bridge.mtu, gateway: config.gateway, subnet: config.subnet)
    }

    /// Whether the table holds exactly podctl's rules for this bridge and subnet: the rule
    /// count of each chain and the fingerprint comment (NftRuleset.base).
    private func nftablesCurrent() throws(PodError) -> Bool {
        guard let present = try Nftables.rules() else { return false }
        let expected = NftRuleset.ruleCounts(bridge: config.bridge, subnet: config.subnet)
        let fingerprint = NftRuleset.fingerprintComment(bridge: config.bridge, subnet: config.subnet)
        return expected.allSatisfy { present[$0.key]?.count == $0.value } && present["prerouting"]?.first == fingerprint
    }

    // MARK: - Pods

    /// Gives the pod an address and a veth pair: the host end a port of the bridge (up,
    /// hairpin), the pod end created directly in the network namespace of `pausePID` as
    /// `eth0` with the bridge's MTU. Then pod-helper runs `PodInterface.configure(
    /// attachment.interface)` in that namespace. On failure nothing of it is left.
    public func attach(pod: PodKey, pausePID: Int32) throws(PodError) -> PodAttachment {
        try locked { () throws(PodError) in
            let bridge = try ensureBridgeLocked()
            let hadLease = try ipam.address(of: pod) != nil
            let address = try ipam.allocate(for: pod)
            let name = Self.hostInterfaceName(for: pod)
            do throws(PodError) {
                let netlink = try NetlinkSocket()
                if let stale = try netlink.link(named: name) {
                    // Left by an earlier sandbox of this pod (a dead namespace takes its veth
                    // with it, but asynchronously), or a clash of names.
                    guard Self.isOwned(stale, by: pod) else {
                        throw PodError(.alreadyExists, "interface \(name) for pod \(pod) exists and belongs to \(stale.alias ?? "?")")
                    }
                    try netlink.deleteLink(named: name)
                }
                try netlink.createVeth(name, master: bridge.index, mtu: bridge.mtu, peer: "eth0", peerNamespacePID: pausePID)
                do throws(PodError) {
                    guard let link = try netlink.link(named: name) else {
                        throw PodError(.internal, "veth \(name) vanished right after it was created (did process \(pausePID) exit?)")
                    }
                    try netlink.setAlias(index: link.index, name: name, alias: Self.alias(for: pod))
                    try netlink.setHairpin(index: link.index, name: name, on: true)
                } catch {
                    _ = try? netlink.deleteLink(named: name)
                    throw error
                }
            } catch {
                if !hadLease { _ = try? ipam.release(pod) }
                throw error
            }
            return PodAttachment(
                pod: pod, podIP: address, hostInterface: name, mtu: bridge.mtu,
                interface: PodInterfaceConfig(name: "eth0", address: address, prefixLength: config.subnet.prefixLength, gateway: config.gateway))
        }
    }

    /// Refuses ports that another pod has published or a host process holds, naming the
    /// holder; changes nothing. `publish` runs the same checks under the lock.
    public func checkPorts(_ ports: [HostPort], for pod: PodKey) throws(PodError) {
        // No hostPort, nothing to check: apply of such a pod neither lists the maps nor
        // loads libnftables (D78).
        if ports.isEmpty { return }
        _ = try newEntries(ports, for: pod, podIP: IPv4Address(0), published: try publishedPorts())
    }

    /// Publishes the pod's ports: map elements added in one transaction, all or none.
    /// Ports it has published already are kept as they are.
    public func publish(_ ports: [HostPort], for pod: PodKey) throws(PodError) {
        if ports.isEmpty { return }
        try locked { () throws(PodError) in
            guard let podIP = try ipam.address(of: pod) else {
                throw PodError(.notFound, "pod \(pod) has no address: attach it before publishing ports")
            }
            let entries = try newEntries(ports, for: pod, podIP: podIP, published: try publishedPorts())
            if entries.isEmpty { return }
            try Nftables.run(NftRuleset.addElements(entries), what: "cannot publish the ports of pod \(pod)")
        }
    }

    private func newEntries(_ ports: [HostPort], for pod: PodKey, podIP: IPv4Address, published: [PortMapEntry]) throws(PodError) -> [PortMapEntry] {
        for (index, port) in ports.enumerated() {
            if let other = ports[..<index].first(where: { $0.clashes(with: port) }) {
                throw PodError(.invalidArgument, "pod \(pod) publishes hostPort \(port) twice (also as \(other))")
            }
        }
        var entries: [PortMapEntry] = []
        for port in ports {
            if let taken = published.first(where: { $0.port.clashes(with: port) }) {
                if taken.pod == pod.description && taken.port == port { continue }
                let owner = taken.pod.isEmpty ? "an unknown owner" : "pod \(taken.pod)"
                throw PodError(.alreadyExists, "hostPort \(port) of pod \(pod) is already published by \(owner) (\(taken.port) → \(taken.podIP):\(taken.port.containerPort))")
            }
            if case let .held(holder) = try PortCheck.probe(port) {
                throw PodError(.alreadyExists, "hostPort \(port) of pod \(pod) is in use on this host by \(holder)")
            }
            entries.append(PortMapEntry(port: port, podIP: podIP, pod: pod.description))
        }
        return entries
    }

    /// Removes the pod's published ports (elements whose comment is the pod's key or
    /// whose target is its address).
    public func unpublish(pod: PodKey) throws(PodError) {
        try locked { () throws(PodError) in try unpublishLocked(pod: pod, podIP: try ipam.address(of: pod)) }
    }

    private func unpublishLocked(pod: PodKey, podIP: IPv4Address?) throws(PodError) {
        let mine = try publishedPorts().filter { $0.pod == pod.description || ($0.podIP == podIP && $0.pod.isEmpty) }
        if mine.isEmpty { return }
        try Nftables.run(NftRuleset.deleteElements(mine), what: "cannot remove the published ports of pod \(pod)")
    }

    /// Deletes the elements the pod published, by key, in one transaction; if one is not
    /// there (removed by hand, or never added), the transaction fails whole and the maps
    /// are listed to find what of the pod's is left.
    private func unpublishKnown(_ entries: [PortMapEntry], pod: PodKey) throws(PodError) {
        if entries.isEmpty { return }
        do {
            try Nftables.run(NftRuleset.deleteElements(entries), what: "cannot remove the published ports of pod \(pod)")
        } catch {
            try unpublishLocked(pod: pod, podIP: entries.first?.podIP)
        }
    }

    /// Removes everything of the pod's network: its map elements, its veth pair (deleting
    /// the host end deletes the pod end) and its lease. Every step is tried; the errors
    /// are collected and thrown together at the end. `published`: the ports the caller
    /// knows it published (its supervisor, after a publish that succeeded, which is all
    /// or none): their elements go in one transaction without listing the maps, which
    /// libnftables does by fetching the whole ruleset; nil lists them to find the pod's.
    public func detach(pod: PodKey, published: [HostPort]? = nil) throws(PodError) {
        try locked { () throws(PodError) in
            var errors: [PodError] = []
            let podIP: IPv4Address?
            do throws(PodError) { podIP = try ipam.address(of: pod) } catch { errors.append(error); podIP = nil }
            do throws(PodError) {
                if let published, let podIP {
                    try unpublishKnown(published.map { PortMapEntry(port: $0, podIP: podIP, pod: pod.description) }, pod: pod)
                } else {
                    try unpublishLocked(pod: pod, podIP: podIP)
                }
            } catch { errors.append(error) }
            do throws(PodError) { try deleteHostEnd(of: pod) } catch { errors.append(error) }
            do throws(PodError) { try ipam.release(pod) } catch { errors.append(error) }
            try Self.throwing(errors, "cleaning up the network of pod \(pod)")
        }
    }

    /// Deletes the host end of the pod's veth, if it is this pod's. Its name is a 32-bit
    /// hash of the pod's key, so another pod's key can name the same interface: attach
    /// then refuses the clash, and the cleanup of that failed attach (or the delete of
    /// that pod) must not take the other pod's veth with it. The alias says whose it is;
    /// a link without one is treated as attach treats it (an earlier sandbox's, removable).
    func deleteHostEnd(of pod: PodKey) throws(PodError) {
        let netlink = try NetlinkSocket()
        let name = Self.hostInterfaceName(for: pod)
        guard let link = try netlink.link(named: name), Self.isOwned(link, by: pod) else { return }
        try netlink.deleteLink(named: name)
    }

    /// Whether `link`, named after `pod`, is that pod's (or no pod's): see deleteHostEnd.
    static func isOwned(_ link: LinkInfo, by pod: PodKey) -> Bool {
        link.alias == nil || link.alias == alias(for: pod)
    }

    /// Cleans up after pods that are gone (deleted while podctl could not clean up):
    /// leases, map elements and host veths of every pod not in `live`. Collects errors
    /// as `detach` does; returns the pods it cleaned up after.
    /// `thorough: false` (after an apply or a delete) looks at the maps and links only
    /// when a lease of a pod that is gone (of any age; only leases a minute old are
    /// released) shows that something went without podctl: a detach releases the lease
    /// last, so a pod it finished leaves nothing behind, and one that failed halfway
    /// leaves its lease. Listing the maps costs about 100 ms (libnftables fetches the
    /// whole ruleset); `podctl restore` keeps the thorough pass.
    @discardableResult
    public func reclaim(keeping live: Set<PodKey>, minimumLeaseAge: Double = 0, thorough: Bool = true) throws(PodError) -> [PodKey] {
        try locked { () throws(PodError) in
            var errors: [PodError] = []
            var gone: Set<PodKey> = []
            var stale: [PodKey: IPv4Address] = [:]
            var leasedByGone = false
            do throws(PodError) {
                let now = IPAM.now()
                let times = try ipam.leaseTimes()
                let notLive = try ipam.leases().filter { !live.contains($0.key) }
                leasedByGone = !notLive.isEmpty
                stale = notLive.filter { now - (times[$0.key] ?? 0) >= minimumLeaseAge }
            } catch { errors.append(error) }
            if !thorough && !leasedByGone && errors.isEmpty { return [] }
            gone.formUnion(stale.keys)
            let liveNames = Set(live.map(\.description))
            let leasedIPs = Set(((try? ipam.leases()) ?? [:]).filter { live.contains($0.key) }.values)
            do throws(PodError) {
                let orphans = try publishedPorts().filter { entry in
                    entry.pod.isEmpty ? !leasedIPs.contains(entry.podIP) : !liveNames.contains(entry.pod)
                }
                if !orphans.isEmpty {
                    try Nftables.run(NftRuleset.deleteElements(orphans), what: "cannot remove the published ports of deleted pods")
                }
                for entry in orphans {
                    let parts = entry.pod.split(separator: "/")
                    if parts.count == 2, let key = try? PodKey(namespace: String(parts[0]), name: String(parts[1])) { gone.insert(key) }
                }
            } catch { errors.append(error) }
            do throws(PodError) {
                let netlink = try NetlinkSocket()
                let prefix = "podctl pod "
                for link in try netlink.links() {
                    guard let alias = link.alias, alias.hasPrefix(prefix), !liveNames.contains(String(alias.dropFirst(prefix.count))) else { continue }
                    do throws(PodError) { try netlink.deleteLink(named: link.name) } catch { errors.append(error) }
                    let parts = alias.dropFirst(prefix.count).split(separator: "/")
                    if parts.count == 2, let key = try? PodKey(namespace: String(parts[0]), name: String(parts[1])) { gone.insert(key) }
                }
            } catch { errors.append(error) }
            do throws(PodError) { try ipam.reclaim(keeping: live, minimumAge: minimumLeaseAge) } catch { errors.append(error) }
            try Self.throwing(errors, "cleaning up after deleted pods")
            return gone.sorted()
        }
    }

    /// The pod's address, for `status.podIP` and the `/etc/hosts` of its neighbours.
    public func podIP(of pod: PodKey) throws(PodError) -> IPv4Address? {
        try ipam.address(of: pod)
    }

    /// Every published port of every pod, read from the nftables maps.
    public func publishedPorts() throws(PodError) -> [PortMapEntry] {
        try Nftables.elements(of: NftRuleset.wildcardMap) + Nftables.elements(of: NftRuleset.hostIPMap)
    }

    /// Removes the bridge and the nftables table (for tests and a full reset; pods'
    /// veths go with the bridge's ports only when deleted one by one, so detach them first).
    public func removeBridge() throws(PodError) {
        try locked { () throws(PodError) in
            var errors: [PodError] = []
            do throws(PodError) { try NetlinkSocket().deleteLink(named: config.bridge) } catch { errors.append(error) }
            do throws(PodError) {
                try Nftables.run(NftRuleset.deleteTable, what: "cannot delete the nftables table \(NftRuleset.qualifiedTable)")
            } catch where !"\(error)".contains("No such file or directory") {
                errors.append(error)
            }
            try Self.throwing(errors, "removing the pod network")
        }
    }

    // MARK: - Helpers

    private func locked<T>(_ body: () throws(PodError) -> T) throws(PodError) -> T {
        try Files.makeDirectories(config.stateDirectory, mode: 0o700)
        let path = config.stateDirectory + "/network.lock"
        guard let lock = try FileLock.acquire(path, wait: .upTo(seconds: lockWait)) else {
            let holder = FileLock.holder(of: path).map { " by process \($0)" } ?? ""
            throw PodError(.conflict, "the pod network is being changed\(holder) (\(path)); try again")
        }
        defer { lock.unlock() }
        return try body()
    }

    static func throwing(_ errors: [PodError], _ what: String) throws(PodError) {
        guard let first = errors.first else { return }
        if errors.count == 1 { throw PodError(first.code, "\(what): \(first.message)", cause: first.cause) }
        let text = errors.map(\.description).joined(separator: "; ")
        throw PodError(first.code, "\(what): \(errors.count) steps failed: \(text)")
    }
}

/// Writes under /proc/sys, which shows the network namespace of the calling thread.
enum Sysctl {
    static func set(_ name: String, _ value: String) throws(PodError) {
        let path = "/proc/sys/" + name
        if let current = try? Files.readText(path), current.split(separator: "\n").first.map(String.init) == value { return }
        let file = try FileDescriptor.open(path, O_WRONLY)
        try file.writeAll(Array((value + "\n").utf8))
    }
}
