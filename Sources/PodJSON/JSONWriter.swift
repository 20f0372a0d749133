/// Writes a tree as compact JSON with its object members sorted by name, so the same
/// value always gives the same bytes (as Foundation's `.sortedKeys`, which the status
/// files were written with before). Strings are framed: `"`, `\` and every control
/// character are escaped, so a newline never ends a control-socket line early.
enum JSONWriter {
    static func write(_ node: JSONNode) -> [UInt8] {
        var out: [UInt8] = []
        write(node, into: &out)
        return out
    }

    static func write(_ node: JSONNode, into out: inout [UInt8]) {
        switch node {
        case .null: out += Array("null".utf8)
        case let .bool(value): out += Array((value ? "true" : "false").utf8)
        case let .number(text): out += Array(text.utf8)
        case let .string(text): out += string(text)
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (offset, item) in items.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            for (offset, key) in members.keys.sorted().enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                out += string(key)
                out.append(UInt8(ascii: ":"))
                write(members[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `write`'s layout with a member or element per line, indented by two spaces a
    /// level; empty arrays and objects stay `[]` and `{}`.
    static func writePretty(_ node: JSONNode, indent: Int, into out: inout [UInt8]) {
        let inner = [UInt8](repeating: UInt8(ascii: " "), count: indent + 2)
        switch node {
        case let .array(items) where !items.isEmpty:
            out += Array("[\n".utf8)
            for (offset, item) in items.enumerated() {
                if offset > 0 { out += Array(",\n".utf8) }
                out += inner
                writePretty(item, indent: indent + 2, into: &out)
            }
            out.append(0x0A)
            out += [UInt8](repeating: UInt8(ascii: " "), count: indent) + [UInt8(ascii: "]")]
        case let .object(members) where !members.isEmpty:
            out += Array("{\n".utf8)
            for (offset, key) in members.keys.sorted().enumerated() {
                if offset > 0 { out += Array(",\n".utf8) }
                out += inner + string(key) + Array(" : ".utf8)
                writePretty(members[key]!, indent: indent + 2, into: &out)
            }
            out.append(0x0A)
            out += [UInt8](repeating: UInt8(ascii: " "), count: indent) + [UInt8(ascii: "}")]
        default:
            write(node, into: &out)
        }
    }

    static func string(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                out += Array("\\u00".utf8)
                out += [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
