import Foundation
import PodCore
import PodJSONPath

/// What `podctl wait --for=…` waits for, as kubectl spells it:
/// `condition=Ready` (or `condition=Ready=false`), `delete`, `create`, and
/// `jsonpath={.status.phase}=Running` (or `jsonpath={.status.podIP}`: the field is set).
public enum WaitCondition: Equatable, Sendable {
    case condition(type: String, status: String)
    case delete
    case create
    case jsonPath(JSONPath, value: String?)

    public init(parsing text: String) throws(PodError) {
        let lowered = text.lowercased()
        if lowered == "delete" { self = .delete; return }
        if lowered == "create" { self = .create; return }
        if lowered.hasPrefix("condition=") {
            let rest = text.dropFirst("condition=".count)
            let parts = rest.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let type = parts.first, !type.isEmpty else {
                throw PodError(.invalidArgument, "unrecognized condition: \"\(text)\": give condition=TYPE[=VALUE]")
            }
            let status = parts.count > 1 ? String(parts[1]) : "True"
            guard !status.isEmpty else { throw PodError(.invalidArgument, "condition value is empty in \"\(text)\"") }
            self = .condition(type: String(type), status: status)
            return
        }
        if lowered.hasPrefix("jsonpath=") {
            let rest = Substring(text.dropFirst("jsonpath=".count))
            let expression: Substring
            var remainder: Substring
            if rest.hasPrefix("{") {
                guard let close = rest.firstIndex(of: "}") else {
                    throw PodError(.invalidArgument, "unclosed jsonpath expression in \"\(text)\": give jsonpath='{.status.phase}'=Running")
                }
                expression = rest[rest.index(after: rest.startIndex)..<close]
                remainder = rest[rest.index(after: close)...]
            } else {
                let equals = rest.firstIndex(of: "=") ?? rest.endIndex
                expression = rest[..<equals]
                remainder = rest[equals...]
            }
            var value: String?
            if !remainder.isEmpty {
                guard remainder.first == "=" else {
                    throw PodError(.invalidArgument, "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}', not \"\(text)\"")
                }
                remainder = remainder.dropFirst()
                guard !remainder.isEmpty else { throw PodError(.invalidArgument, "jsonpath wait has to have a value after equal sign: \"\(text)\"") }
                value = String(remainder)
            }
            self = .jsonPath(try JSONPath(String(expression)), value: value)
            return
        }
        throw PodError(.invalidArgument, "unrecognized condition: \"\(text)\": give condition=TYPE[=VALUE], delete, create or jsonpath='{PATH}'[=VALUE]")
    }

    /// Whether the condition holds for the pod as it is now (nil: the pod does not exist).
    public func isMet(by view: PodView?) -> Bool {
        switch self {
        case .delete: return view == nil
        case .create: return view != nil
        case let .condition(type, status):
            guard let actual = view?.condition(type) else { return false }
            return actual.lowercased() == status.lowercased()
        case let .jsonPath(path, value):
            guard let view, let tree = try? view.jsonTree() else { return false }
            let results = path.evaluate(tree)
            guard let value else { return !results.isEmpty }
            return results.count == 1 && results[0].text == value
        }
    }
}

/// The part of kubectl's JSONPath that wait needs: `.field`, `['field']`, `[N]` (negative
/// from the end), `[*]`, and filters `[?(@.type=="Ready")]` (`==` or `!=`).
public struct JSONPath: Equatable, Sendable, CustomStringConvertible {
    public enum Step: Equatable, Sendable {
        case field(String)
        case index(Int)
        case all
        case filter(path: [String], equal: Bool, literal: String)
    }

    public let steps: [Step]
    public let description: String

    public init(_ text: String) throws(PodError) {
        description = text
        var steps: [Step] = []
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        if !rest.isEmpty && !rest.hasPrefix(".") && !rest.hasPrefix("[") { rest = "." + rest }
        let invalid = { PodError(.invalidArgument, "unsupported jsonpath \"\(text)\": podctl understands .field, [N], [*] and [?(@.field==\"value\")]") }
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { throw invalid() }
                steps.append(.field(String(name)))
                rest = rest.dropFirst(name.count)
            } else if first == "[" {
                guard let close = Self.closingBracket(rest) else { throw invalid() }
                let inner = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                rest = rest[rest.index(after: close)...]
                if inner == "*" {
                    steps.append(.all)
                } else if let number = Int(inner) {
                    steps.append(.index(number))
                } else if let quoted = Self.unquote(inner) {
                    steps.append(.field(quoted))
                } else if inner.hasPrefix("?(@.") && inner.hasSuffix(")") {
                    let body = inner.dropFirst(4).dropLast()
                    let equal = body.contains("==")
                    let separator = equal ? "==" : "!="
                    guard let range = body.range(of: separator) else { throw invalid() }
                    let path = body[..<range.lowerBound].trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
                    let literalText = body[range.upperBound...].trimmingCharacters(in: .whitespaces)
                    guard !path.isEmpty else { throw invalid() }
                    steps.append(.filter(path: path, equal: equal, literal: Self.unquote(literalText) ?? literalText))
                } else {
                    throw invalid()
                }
            } else {
                throw invalid()
            }
        }
        guard !steps.isEmpty else { throw invalid() }
        self.steps = steps
    }

    public static func == (left: JSONPath, right: JSONPath) -> Bool { left.steps == right.steps }

    /// Every value the path leads to in a JSON tree.
    public func evaluate(_ root: JSONValue) -> [JSONValue] {
        var values = [root]
        for step in steps {
            var next: [JSONValue] = []
            for value in values {
                switch (step, value) {
                case let (.field(name), .object(object)):
                    if let child = object[name] { next.append(child) }
                case let (.index(index), .array(array)):
                    let position = index < 0 ? array.count + index : index
                    if array.indices.contains(position) { next.append(array[position]) }
                case let (.all, .array(array)):
                    next += array
                case let (.all, .object(object)):
                    next += object.keys.sorted().compactMap { object[$0] }
                case let (.filter(path, equal, literal), .array(array)):
                    next += array.filter { element in
                        var current: JSONValue? = element
                        for name in path {
                            guard case let .object(object)? = current else { current = nil; break }
                            current = object[name]
                        }
                        let matches = current?.text == literal
                        return equal ? matches : !matches
                    }
                default:
                    continue
                }
            }
            values = next
        }
        return values
    }

    private static func closingBracket(_ text: Substring) -> Substring.Index? {
        var quote: Character?
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "]" {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func unquote(_ text: String) -> String? {
        guard text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first else { return nil }
        return String(text.dropFirst().dropLast())
    }
}
