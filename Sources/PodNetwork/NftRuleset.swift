/// The nftables text of podctl's one table, `inet podctl`, rendered by pure functions
/// (golden-file tested). Each function returns one buffer, which libnftables applies as
/// one transaction: all of it or nothing.
///
/// Published ports live in two maps keyed by protocol and port, so the rules never
/// change when pods come and go; only map elements do:
///
/// - `hostports`: `proto . port → podIP . containerPort`, for every local address (`fib
///   daddr type local`, so traffic that only passes through the host is left alone);
/// - `hostip_ports`: `hostIP . proto . port → podIP . containerPort`, for a `hostIP`.
///
/// Both are consulted in `prerouting` (traffic arriving from outside and from pods) and in
/// `output` (the host's own connections, 127.0.0.1 included). `postrouting` masquerades
/// traffic from the pod subnet leaving it, connections to 127.0.0.1 that were sent to a pod
/// (with `route_localnet` on the bridge; see docs/network.md) and pod-to-published-port
/// connections of pods (hairpin), whose answer would otherwise bypass the host's NAT.
public enum NftRuleset {
    public static let family = "inet"
    public static let table = "podctl"
    public static let wildcardMap = "hostports"
    public static let hostIPMap = "hostip_ports"
    static let qualifiedTable = "\(family) \(table)"

    static let chains: [(name: String, declaration: String)] = [
        ("prerouting", "type nat hook prerouting priority dstnat; policy accept;"),
        ("output", "type nat hook output priority -100; policy accept;"),
        ("postrouting", "type nat hook postrouting priority srcnat; policy accept;"),
    ]

    /// The whole table for `bridge` and `subnet`. Safe to apply again at any time: the
    /// chains are flushed and refilled in the same transaction, the maps keep their elements.
    public static func base(bridge: String, subnet: IPv4Subnet) -> String {
        var rules = rules(bridge: bridge, subnet: subnet)
        // The first rule carries a fingerprint of them all: `ensureBridge` reads it back and
        // applies the table again only when rules or fingerprint differ (a commit that
        // refills NAT chains costs the kernel ~10 ms; reading the table ~1 ms).
        rules["prerouting"]![0] += " comment \"\(fingerprintComment(bridge: bridge, subnet: subnet))\""
        var text = """
            # podctl's pod network: bridge \(bridge), subnet \(subnet) (docs/network.md).
            # One transaction: the chains are flushed and refilled, the maps keep their elements.
            add table \(qualifiedTable)

            """
        for chain in chains {
            text += "add chain \(qualifiedTable) \(chain.name) { \(chain.declaration) }\n"
        }
        for chain in chains {
            text += "flush chain \(qualifiedTable) \(chain.name)\n"
        }
        text += """
            table \(qualifiedTable) {
            \tmap \(wildcardMap) {
            \t\ttype inet_proto . inet_service : ipv4_addr . inet_service
            \t}

            \tmap \(hostIPMap) {
            \t\ttype ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
            \t}

            """
        for chain in chains {
            text += "\n\tchain \(chain.name) {\n\t\t\(chain.declaration)\n"
            for rule in rules[chain.name] ?? [] { text += "\t\t\(rule)\n" }
            text += "\t}\n"
        }
        text += "}\n"
        return text
    }

    static func rules(bridge: String, subnet: IPv4Subnet) -> [String: [String]] {
        let dnat = [
            "dnat ip to ip daddr . meta l4proto . th dport map @\(hostIPMap)",
            "meta nfproto ipv4 fib daddr type local dnat ip to meta l4proto . th dport map @\(wildcardMap)",
        ]
        return [
            "prerouting": dnat,
            "output": dnat,
            "postrouting": [
                "ip saddr \(subnet) ip daddr != \(subnet) masquerade",
                "oifname \"\(bridge)\" ip saddr 127.0.0.0/8 masquerade",
                "oifname \"\(bridge)\" ip saddr \(subnet) ct status dnat masquerade",
            ],
        ]
    }

    /// How many rules each chain has when the table is as `base` makes it.
    public static func ruleCounts(bridge: String, subnet: IPv4Subnet) -> [String: Int] {
        rules(bridge: bridge, subnet: subnet).mapValues(\.count)
    }

    /// `podctl ruleset 1a2b3c4d`: FNV-1a of the chains and rules, so a table made for
    /// another bridge, subnet or podctl version is told apart.
    public static func fingerprintComment(bridge: String, subnet: IPv4Subnet) -> String {
        var hash: UInt32 = 2_166_136_261
        let all = rules(bridge: bridge, subnet: subnet)
        for chain in chains {
            for byte in (chain.name + chain.declaration + (all[chain.name] ?? []).joined(separator: "\n")).utf8 {
                hash = (hash ^ UInt32(byte)) &* 16_777_619
            }
        }
        let hex = String(hash, radix: 16)
        return "podctl ruleset " + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Adds map elements with `create`, which fails (and with it the whole transaction)
    /// if a key is already there: a port is never taken over silently.
    public static func addElements(_ entries: [PortMapEntry]) -> String {
        render("create", entries) { entry in
            "\(key(entry.port)) comment \"\(entry.pod)\" : \(entry.podIP) . \(entry.port.containerPort)"
        }
    }

    /// Deletes map elements by key (fails, with nothing deleted, if one is missing).
    public static func deleteElements(_ entries: [PortMapEntry]) -> String {
        render("delete", entries) { key($0.port) }
    }

    /// Removes everything podctl put into nftables.
    public static var deleteTable: String { "delete table \(qualifiedTable)\n" }

    static func key(_ port: HostPort) -> String {
        (port.hostIP.map { "\($0) . " } ?? "") + "\(port.proto.rawValue) . \(port.hostPort)"
    }

    private static func render(_ verb: String, _ entries: [PortMapEntry], _ element: (PortMapEntry) -> String) -> String {
        let ordered = entries.sorted { ($0.port.hostIP?.value ?? 0, $0.port.hostPort, $0.port.proto) < ($1.port.hostIP?.value ?? 0, $1.port.hostPort, $1.port.proto) }
        var text = ""
        for (map, isHostIP) in [(wildcardMap, false), (hostIPMap, true)] {
            let lines = ordered.filter { ($0.port.hostIP != nil) == isHostIP }.map(element)
            if lines.isEmpty { continue }
            text += "\(verb) element \(qualifiedTable) \(map) {\n\t" + lines.joined(separator: ",\n\t") + "\n}\n"
        }
        return text
    }
}
