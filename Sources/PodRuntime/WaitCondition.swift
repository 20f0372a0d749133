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

/// The expression of `wait --for=jsonpath=…`, in kubectl's relaxed form (`.status.phase`,
/// `status.phase`), run by the jsonpath engine of `get -o jsonpath` (PodJSONPath), so
/// filters, slices and `..` work here as they do there.
public struct JSONPath: Equatable, Sendable, CustomStringConvertible {
    public let description: String
    let template: JSONPathTemplate

    public init(_ text: String) throws(PodError) {
        description = text
        template = try JSONPathTemplate(relaxed: text.trimmingCharacters(in: .whitespaces))
    }

    public static func == (left: JSONPath, right: JSONPath) -> Bool { left.template.source == right.template.source }

    /// Every value the path leads to in a JSON tree; none where it cannot be evaluated
    /// (an index out of range: the condition is not met yet).
    public func evaluate(_ root: JSONValue) -> [JSONValue] {
        (try? template.values(root)) ?? []
    }
}
