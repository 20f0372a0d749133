import CNftables
import Glibc
import PodCore
import PodJSON
import PodOS

/// libnftables, in the network namespace of the calling thread. One context per call
/// (the library opens its netlink socket in the caller's namespace), and one call at a
/// time per process: libnftables keeps global state of its own.
enum Nftables {
    private static let lock = ProcessMutex()

    /// Runs `commands` as one transaction and returns what nft printed (JSON with `json`).
    /// A failure applies nothing and throws with libnftables' message.
    @discardableResult
    static func run(_ commands: String, json: Bool = false, terse: Bool = false, what: @autoclosure () -> String) throws(PodError) -> String {
        try lock.holding { () throws(PodError) in try runLocked(commands, json: json, terse: terse, what: what()) }
    }

    private static func runLocked(_ commands: String, json: Bool, terse: Bool, what: @autoclosure () -> String) throws(PodError) -> String {
        try SharedLibrary.require(podnft_load())
        guard let context = nft_ctx_new(UInt32(NFT_CTX_DEFAULT)) else {
            throw PodError(.system, "\(what()): cannot create an nftables context")
        }
        defer { nft_ctx_free(context) }
        nft_ctx_output_set_flags(context, (json ? UInt32(NFT_CTX_OUTPUT_JSON) : 0) | (terse ? UInt32(NFT_CTX_OUTPUT_TERSE) : 0))
        _ = nft_ctx_buffer_output(context)
        _ = nft_ctx_buffer_error(context)
        let status = nft_run_cmd_from_buffer(context, commands)
        let output = nft_ctx_get_output_buffer(context).map { String(cString: $0) } ?? ""
        if status != 0 {
            let message = nft_ctx_get_error_buffer(context).map { String(cString: $0) } ?? ""
            throw PodError(.system, what(), cause: .text("nftables: " + message.trimmingWhitespace()))
        }
        return output
    }

    /// The rules of podctl's table, by chain, with their comments (set elements are left
    /// out: terse output); nil when the table is absent.
    static func rules() throws(PodError) -> [String: [String]]? {
        let text: String
        do throws(PodError) {
            text = try run("list table \(NftRuleset.qualifiedTable)", json: true, terse: true, what: "cannot list nftables table \(NftRuleset.qualifiedTable)")
        } catch where "\(error)".contains("No such file or directory") {
            return nil
        }
        guard let items = items(of: text) else {
            throw PodError(.corruptState, "cannot read nftables table \(NftRuleset.qualifiedTable): not the JSON libnftables writes")
        }
        var rules: [String: [String]] = [:]
        for item in items {
            if let name = item["chain"]?["name"]?.text {
                rules[name, default: []] += []
            }
            if let rule = item["rule"], let chain = rule["chain"]?.text {
                rules[chain, default: []].append(rule["comment"]?.text ?? "")
            }
        }
        return rules
    }

    /// The elements of one of podctl's maps, read back as JSON; empty when the table is absent.
    static func elements(of map: String) throws(PodError) -> [PortMapEntry] {
        let text: String
        do throws(PodError) {
            text = try run("list map \(NftRuleset.qualifiedTable) \(map)", json: true, what: "cannot list nftables map \(map)")
        } catch where "\(error)".contains("No such file or directory") {
            return []
        }
        return try parseElements(json: text, hostIP: map == NftRuleset.hostIPMap)
    }

    /// Parses `nft -j list map` output: `elem` is a list of `[key, value]` pairs, the key
    /// `{"elem": {"val": {"concat": [...]}, "comment": "..."}}` (or the bare concat when an
    /// element has no comment), the value `{"concat": ["10.88.0.2", 80]}`.
    static func parseElements(json text: String, hostIP: Bool) throws(PodError) -> [PortMapEntry] {
        func bad(_ why: String) -> PodError {
            PodError(.corruptState, "cannot read the elements of nftables table \(NftRuleset.qualifiedTable): \(why)")
        }
        guard let items = items(of: text) else { throw bad("not the JSON libnftables writes") }
        var entries: [PortMapEntry] = []
        for item in items {
            guard case let .array(elements)? = item["map"]?["elem"] else { continue }
            for element in elements {
                guard case let .array(pair) = element, pair.count == 2 else { throw bad("an element is not a key and a value") }
                var key = pair[0]
                var comment = ""
                if let wrapped = key["elem"] {
                    key = wrapped["val"] ?? .null
                    comment = wrapped["comment"]?.text ?? ""
                }
                guard case let .array(keyParts)? = key["concat"],
                      case let .array(valueParts)? = pair[1]["concat"], valueParts.count == 2,
                      let podIP = valueParts[0].text.flatMap({ IPv4Address($0) }),
                      let containerPort = valueParts[1].port
                else { throw bad("an element is not proto . port : address . port") }
                var parts = keyParts[...]
                var address: IPv4Address?
                if hostIP {
                    guard let text = parts.popFirst()?.text, let parsed = IPv4Address(text) else { throw bad("a key has no host address") }
                    address = parsed
                }
                guard parts.count == 2, let protoName = parts.first?.text, let proto = PortProtocol(rawValue: protoName),
                      let port = parts.last?.port
                else { throw bad("a key is not proto . port") }
                entries.append(PortMapEntry(port: HostPort(proto, hostIP: address, hostPort: port, containerPort: containerPort), podIP: podIP, pod: comment))
            }
        }
        return entries
    }

    /// The `nftables` list of libnftables' JSON output; nil for anything else. The output
    /// is bounded by what this process asked to list (podctl's own table).
    static func items(of text: String) -> [JSONNode]? {
        guard let root = try? PodJSON.parse(Array(text.utf8)), case let .array(items)? = root["nftables"] else { return nil }
        return items
    }
}

extension JSONNode {
    /// A member of an object; nil for a missing one or another kind of node.
    subscript(_ key: String) -> JSONNode? {
        guard case let .object(members) = self else { return nil }
        return members[key]
    }

    var text: String? {
        guard case let .string(value) = self else { return nil }
        return value
    }

    /// A port number: an integer literal from 0 to 65535.
    var port: UInt16? {
        guard case let .number(literal) = self else { return nil }
        return UInt16(literal)
    }
}
