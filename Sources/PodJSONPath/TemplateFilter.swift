/// `[?(…)]`: the elements of a list for which the test holds (client-go's evalFilter).
extension Evaluator {
    mutating func filter(_ value: JSONValue, _ filter: Filter) throws(SyntaxError) -> [JSONValue] {
        if value == .null { return [] }
        guard case let .array(elements) = value else {
            throw SyntaxError("\(value.goType) is not array or slice and cannot be filtered")
        }
        var kept: [JSONValue] = []
        for element in elements {
            if filter.operation == "exists" {
                // An element whose path fails to evaluate simply lacks it.
                if let lefts = try? values(filter.left, [element]), !lefts.isEmpty { kept.append(element) }
                continue
            }
            let lefts = try values(filter.left, [element])
            if lefts.isEmpty { continue }
            guard lefts.count == 1 else { throw SyntaxError("can only compare one element at a time") }
            guard let right = try values(filter.right, [element]).first else { continue }
            if try Self.compare(lefts[0], filter.operation, right) { kept.append(element) }
        }
        return kept
    }

    /// Go template comparisons: numbers with numbers, strings with strings, booleans
    /// for equality only; anything else is kubectl's "incompatible types" error.
    static func compare(_ left: JSONValue, _ operation: String, _ right: JSONValue) throws(SyntaxError) -> Bool {
        let order: ComparisonResult?
        switch (left, right) {
        case let (.string(a), .string(b)): order = a < b ? .less : a == b ? .equal : .greater
        case let (.bool(a), .bool(b)): order = a == b ? .equal : nil
        case (.null, .null): order = .equal
        default:
            guard let a = left.numeric, let b = right.numeric else { throw SyntaxError("incompatible types for comparison") }
            order = a < b ? .less : a == b ? .equal : .greater
        }
        switch operation {
        case "==": return order == .equal
        case "!=": return order != .equal
        case "<", ">", "<=", ">=":
            guard let order else { throw SyntaxError("invalid type for comparison") }
            switch operation {
            case "<": return order == .less
            case ">": return order == .greater
            case "<=": return order != .greater
            default: return order != .less
            }
        default: throw SyntaxError("unrecognized filter operator \(operation)")
        }
    }

    enum ComparisonResult { case less, equal, greater }
}

extension JSONValue {
    var numeric: Double? {
        switch self {
        case let .integer(value): return Double(value)
        case let .number(value): return value
        default: return nil
        }
    }
}
