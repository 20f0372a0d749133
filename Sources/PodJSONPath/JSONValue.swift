import Foundation

/// A JSON tree, decoded strictly (a boolean is never a number), for jsonpath queries
/// (`podctl wait --for=jsonpath`, `get -o jsonpath|custom-columns`).
public indirect enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Any Encodable value (an API object) as a tree.
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// The value as kubectl's jsonpath prints it (JSONPath.PrintResults): strings bare,
    /// booleans and numbers as Go prints them, objects and lists as compact JSON.
    public var text: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return value ? "true" : "false"
        case let .integer(value): return String(value)
        case let .number(value): return Self.goFloat(value)
        case let .string(value): return value
        case .array, .object: return compactJSON
        }
    }

    /// Go's `json.Marshal`: keys sorted, no spaces, `<`, `>` and `&` escaped.
    public var compactJSON: String {
        switch self {
        case .null, .bool, .integer: return text
        case let .number(value): return Self.goFloat(value)
        case let .string(value): return Self.quoted(value)
        case let .array(values): return "[" + values.map(\.compactJSON).joined(separator: ",") + "]"
        case let .object(members):
            return "{" + members.keys.sorted().map { Self.quoted($0) + ":" + members[$0]!.compactJSON }.joined(separator: ",") + "}"
        }
    }

    /// Go's `fmt.Sprint` of the decoded value, which kubectl's custom-columns prints:
    /// `map[app:web]`, `[a b]`, `<nil>`.
    public var goValue: String {
        switch self {
        case .null: return "<nil>"
        case let .array(values): return "[" + values.map(\.goValue).joined(separator: " ") + "]"
        case let .object(members): return "map[" + members.keys.sorted().map { "\($0):\(members[$0]!.goValue)" }.joined(separator: " ") + "]"
        default: return text
        }
    }

    /// The Go type kubectl's errors name (`map[string]interface {} is not array or slice`).
    var goType: String {
        switch self {
        case .null: return "<nil>"
        case .bool: return "bool"
        case .integer: return "int64"
        case .number: return "float64"
        case .string: return "string"
        case .array: return "[]interface {}"
        case .object: return "map[string]interface {}"
        }
    }

    /// `%v` of a float64: whole numbers without a fraction, exponents from 1e21.
    static func goFloat(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e18 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A JSON string as Go writes it: Foundation's escaping, then Go's HTML-safe escapes.
    private static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let plain = (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        guard plain.contains(where: { "<>&\u{2028}\u{2029}".contains($0) }) else { return plain }
        var out = ""
        for scalar in plain.unicodeScalars {
            if ["<", ">", "&", "\u{2028}", "\u{2029}"].contains(scalar) { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
