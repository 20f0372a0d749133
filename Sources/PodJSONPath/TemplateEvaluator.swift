import PodCore

extension JSONPathTemplate {
    /// Bounds on one execution: `{range}` inside `{range}` over `[*]` multiplies, so the
    /// values touched and the text printed are counted, and a template past either fails.
    public static let maximumValues = 1_000_000
    public static let maximumOutput = 64 << 20

    /// The template's text for one object, as kubectl prints it (no newline added).
    /// Missing fields print nothing (kubectl's --allow-missing-template-keys=true).
    public func execute(_ object: JSONValue) throws(PodError) -> String {
        var evaluator = Evaluator()
        do {
            try evaluator.run(nodes, object)
        } catch {
            throw executionError(error.message)
        }
        return evaluator.output
    }

    /// Each action's values (custom-columns joins them); ranges are not expected there.
    public func values(_ object: JSONValue) throws(PodError) -> [JSONValue] {
        var evaluator = Evaluator()
        var results: [JSONValue] = []
        do {
            for case let .action(expression) in nodes { results += try evaluator.values(expression, [object]) }
        } catch {
            throw executionError(error.message)
        }
        return results
    }

    private func executionError(_ message: String) -> PodError {
        PodError(.invalidArgument, "error executing jsonpath \"\(source)\": Error executing template: \(message)")
    }
}

/// Walks the nodes over the values, as client-go's FindResults and PrintResults.
struct Evaluator {
    var output = ""
    private var touched = 0

    mutating func run(_ nodes: [TemplateNode], _ current: JSONValue) throws(SyntaxError) {
        for node in nodes {
            switch node {
            case let .text(text): try emit(text)
            case let .action(expression):
                // One action's values are separated by spaces; objects print as JSON.
                try emit(try values(expression, [current]).map(\.text).joined(separator: " "))
            case let .range(expression, body):
                for value in try values(expression, [current]) { try run(body, value) }
            }
        }
    }

    private mutating func emit(_ text: String) throws(SyntaxError) {
        output += text
        guard output.utf8.count <= JSONPathTemplate.maximumOutput else {
            throw SyntaxError("the output is over \(JSONPathTemplate.maximumOutput >> 20) MiB; podctl stops there: narrow the template")
        }
    }

    mutating func values(_ expression: Expression, _ input: [JSONValue]) throws(SyntaxError) -> [JSONValue] {
        var current = input
        for step in expression.steps { current = try apply(step, current) }
        return current
    }

    /// Counts values as they are made, so no step builds more than the budget allows.
    mutating func spend(_ count: Int) throws(SyntaxError) {
        touched += count
        guard touched <= JSONPathTemplate.maximumValues else {
            throw SyntaxError("more than \(JSONPathTemplate.maximumValues) values; podctl stops there: narrow the template")
        }
    }

    private mutating func apply(_ step: Step, _ input: [JSONValue]) throws(SyntaxError) -> [JSONValue] {
        var results: [JSONValue] = []
        switch step {
        case let .field(name):
            guard !name.isEmpty else { return input }
            for case let .object(members) in input { if let member = members[name] { results.append(member) } }
        case .wildcard:
            for value in input {
                let children = Self.children(value)
                try spend(children.count)
                results += children
            }
        case let .slice(slice):
            for value in input { results += try self.slice(value, slice) }
        case let .union(members):
            for member in members { results += try values(member, input) }
        case .recursive:
            for value in input { try descendants(value, into: &results) }
        case let .filter(filter):
            for value in input { results += try self.filter(value, filter) }
        case let .literal(value):
            results = [value]
        }
        try spend(results.count)
        return results
    }

    static func children(_ value: JSONValue) -> [JSONValue] {
        switch value {
        case let .object(members): return members.keys.sorted().map { members[$0]! }
        case let .array(elements): return elements
        default: return []
        }
    }

    /// client-go's evalArray: negative positions from the end, bounds checked.
    mutating func slice(_ value: JSONValue, _ slice: Slice) throws(SyntaxError) -> [JSONValue] {
        if value == .null { return [] }
        guard case let .array(elements) = value else { throw SyntaxError("\(value.goType) is not array or slice") }
        let count = elements.count
        var start = slice.start ?? 0
        if start < 0 { start += count }
        var end = slice.end ?? count
        if end < 0 || (end == 0 && slice.endDerived) { end += count }
        guard end != start else { return [] }  // zero elements asked for: allowed
        if start >= count || start < 0 { throw SyntaxError("array index out of bounds: index \(start), length \(count)") }
        if end > count || end < 0 { throw SyntaxError("array index out of bounds: index \(end - 1), length \(count)") }
        if start > end { throw SyntaxError("starting index \(start) is greater than ending index \(end)") }
        let step = slice.step ?? 1
        guard step > 0 else { throw SyntaxError("step must be > 0") }
        try spend((end - start + step - 1) / step)
        return stride(from: start, to: end, by: step).map { elements[$0] }
    }

    /// client-go's evalRecursive: each object or list that has members, then what lies
    /// beneath it, depth first (an explicit stack: the tree's depth is not ours to bound).
    mutating func descendants(_ root: JSONValue, into results: inout [JSONValue]) throws(SyntaxError) {
        var stack = [root]
        while let value = stack.popLast() {
            let children = Self.children(value)
            guard !children.isEmpty else { continue }
            try spend(1)
            results.append(value)
            stack += children.reversed()
        }
    }
}
