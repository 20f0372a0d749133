// libyaml as vendored by Yams (its CYaml target): the same scanner Yams composes
// with, so this pass sees exactly the events Yams will.
import CYaml
import PodCore

/// The bounds on manifest input (docs/pod-spec.md, "Manifest input").
///
/// A YAML alias is cheap to write and expensive to expand: ten levels of nine aliases
/// in 520 bytes name 9^9 nodes ("billion laughs"). Yams shares an anchored node among
/// its aliases, but turning the tree into `Value`s, decoding, and even hashing a mapping
/// key copy it out in full. go-yaml, behind kubectl and the API server, refuses a
/// document with "excessive aliasing" (a ratio of alias-made nodes to all nodes past
/// 400,000 nodes); podctl uses one fixed number that is simpler to state.
public enum ManifestLimits {
    /// The largest manifest input (one file, or standard input): the API server refuses
    /// a request body over 3 MiB (`MaxRequestBodyBytes`), so a larger manifest could not
    /// be applied to Kubernetes either.
    public static let maxBytes = 3 * 1024 * 1024

    /// How many nodes aliases may add to one apply, all files together: each use of an
    /// alias counts every node under the anchor it names, nested aliases included.
    public static let maxAliasNodes = 500_000
}

/// What is left of an apply's alias allowance; shared by every input of one apply, so
/// a directory of files cannot multiply it.
public final class AliasBudget {
    public private(set) var remaining: Int

    public init(nodes: Int = ManifestLimits.maxAliasNodes) { remaining = nodes }

    /// Charges the expansion of `text` before anything is composed, in one pass over
    /// libyaml's events: each anchor's expanded size is known when its node ends, so an
    /// alias costs a lookup, never a walk. Linear in the text, whatever it expands to.
    /// Syntax errors end the pass quietly; Yams reports them with their place.
    func charge(_ text: String) throws(PodError) {
        var counter = ExpansionCounter(limit: remaining)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        let added: Int? = bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                if !counter.count(event) { return nil }
            }
            return counter.added
        }
        guard let added else {
            throw PodError(.invalidManifest, "YAML aliases expand to more than \(ManifestLimits.maxAliasNodes) nodes in this apply; podctl refuses it as an alias bomb (write the repeated parts out, or split the manifest)")
        }
        remaining -= added
    }
}

/// The expanded size of every open collection and every anchor seen so far.
private struct ExpansionCounter {
    let limit: Int
    private(set) var added = 0
    private var open: [(anchor: String?, nodes: Int)] = [(nil, 0)]
    private var anchors: [String: Int] = [:]

    init(limit: Int) { self.limit = limit }

    /// Counts one event; false once aliases have added more than `limit` nodes.
    mutating func count(_ event: yaml_event_t) -> Bool {
        switch event.type {
        case YAML_SCALAR_EVENT:
            end(anchor: name(event.data.scalar.anchor), nodes: 1)
        case YAML_SEQUENCE_START_EVENT:
            open.append((name(event.data.sequence_start.anchor), 1))
        case YAML_MAPPING_START_EVENT:
            open.append((name(event.data.mapping_start.anchor), 1))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            if open.count > 1, let closed = open.popLast() { end(anchor: closed.anchor, nodes: closed.nodes) }
        case YAML_ALIAS_EVENT:
            // An unknown anchor is Yams' error to report; count it as one node.
            let nodes = name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
            added = min(added + nodes, limit + 1)
            end(anchor: nil, nodes: nodes)
        default:
            break
        }
        return added <= limit
    }

    /// A finished node: it joins its parent, and an anchor remembers its size. Sizes
    /// saturate just past the limit, so no sum can overflow.
    private mutating func end(anchor: String?, nodes: Int) {
        if let anchor { anchors[anchor] = nodes }
        open[open.count - 1].nodes = min(open[open.count - 1].nodes + nodes, limit + 1)
    }

    private func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
