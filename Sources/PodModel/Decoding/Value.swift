import PodCore
import Yams

/// A JSON/YAML document as a plain tree. Object members keep their order and their
/// duplicates, so the decoder can report both as kubectl does.
public indirect enum Value: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case array([Value])
    case object([Member])

    public struct Member: Equatable, Sendable {
        public var key: String
        public var value: Value
    }

    public subscript(key: String) -> Value? {
        guard case let .object(members) = self else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    public var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    /// What the value is, in the words an error message uses.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .float: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// The value as Kubernetes prints it in `Invalid value: …`.
    var errorText: String {
        switch self {
        case .null: return "null"
        case let .bool(flag): return String(flag)
        case let .int(number): return String(number)
        case let .float(number): return String(number)
        case let .string(text): return "\"\(text)\""
        case .array: return "[…]"
        case .object: return "{…}"
        }
    }
}

extension Value {
    /// Every YAML document of `text` (JSON is YAML too). Empty documents are skipped, as kubectl does.
    /// YAML 1.1 scalars resolve as in go-yaml, which Kubernetes uses: `yes`/`on` are booleans there too.
    /// Aliases are charged to `budget` before anything is composed (YAMLLimits.swift).
    public static func documents(yaml text: String, budget: AliasBudget = AliasBudget()) throws -> [Value] {
        try budget.charge(text)
        var result: [Value] = []
        // The sequence ends quietly on a syntax error and keeps the error in itself,
        // so iterate it in place (a for-in loop would iterate a copy) and then ask.
        // Plain scalars are tagged by YAMLScalarTag, not by the default resolver's regular
        // expressions (D88); tags written in the text still come through.
        var nodes = try Yams.compose_all(yaml: text, .basic)
        while let node = nodes.next() {
            let value = try Value(node: node)
            if value != .null { result.append(value) }
        }
        if let error = nodes.error { throw error }
        return result
    }

    init(node: Node) throws {
        switch node {
        case let .scalar(scalar):
            self = Value.scalar(scalar, node: node)
        case let .sequence(sequence):
            self = .array(try sequence.map { try Value(node: $0) })
        case let .mapping(mapping):
            self = .object(try mapping.map { pair in
                guard case let .scalar(key) = pair.key else {
                    throw YamlError.representer(problem: "a mapping key must be a plain string")
                }
                return Member(key: key.string, value: try Value(node: pair.value))
            })
        case .alias:
            throw YamlError.representer(problem: "an unresolved YAML alias")
        }
    }

    private static func scalar(_ scalar: Node.Scalar, node: Node) -> Value {
        // The scalar's own tag, read before `node.tag` resolves it: empty for a plain
        // scalar that names none, which YAML 1.1 resolves by its text.
        let tag = scalar.tag.rawValue.isEmpty ? YAMLScalarTag.name(of: scalar.string) : Tag.Name(rawValue: node.tag.rawValue)
        switch tag {
        case .null: return .null
        case .bool: return node.bool.map(Value.bool) ?? .string(scalar.string)
        case .int:
            if let number = node.int { return .int(Int64(number)) }
            return .string(scalar.string)
        case .float: return node.float.map(Value.float) ?? .string(scalar.string)
        default: return .string(scalar.string)
        }
    }
}

/// A YAML error on one line: where, and what libyaml says (Yams' own description
/// repeats the whole document).
func yamlErrorLine(_ error: Error) -> String {
    if let error = error as? PodError { return error.message }
    guard let yaml = error as? YamlError else { return "\(error)" }
    switch yaml {
    case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
        let while_ = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
        return "line \(mark.line), column \(mark.column): \(problem)\(while_)"
    case let .duplicatedKeysInMapping(duplicates, context):
        let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
        return "line \(context.mark.line), column \(context.mark.column): duplicate key \(keys) in one mapping"
    case let .reader(problem, offset, _, _):
        return "\(problem)" + (offset.map { " at byte \($0)" } ?? "")
    default:
        return "\(yaml)"
    }
}
