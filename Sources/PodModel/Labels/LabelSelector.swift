import PodCore

/// A label selector as kubectl's `-l` takes it: requirements that must all hold (comma
/// is AND). The semantics are those of `k8s.io/apimachinery/pkg/labels` (Requirement.Matches):
/// `!=` and `notin` also match a pod without the key; `gt`/`lt` need an integer value.
public struct LabelSelector: Equatable, Sendable, CustomStringConvertible {
    public enum Operator: String, Sendable {
        case equals = "=", doubleEquals = "==", notEquals = "!="
        case `in` = "in", notIn = "notin"
        case exists, doesNotExist = "!"
        case greaterThan = "gt", lessThan = "lt"
    }

    public struct Requirement: Equatable, Sendable, CustomStringConvertible {
        public let key: String
        public let op: Operator
        /// Sorted and without repeats, as apimachinery's string set keeps them.
        public let values: [String]

        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals, .doubleEquals, .in: return value.map(values.contains) ?? false
            case .notEquals, .notIn: return value.map { !values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            case .greaterThan, .lessThan:
                guard let value, let actual = Int64(value), values.count == 1, let bound = Int64(values[0]) else { return false }
                return op == .greaterThan ? actual > bound : actual < bound
            }
        }

        /// apimachinery's Requirement.String: `!a`, `a`, `a=b`, `a in (x,y)`, `a>1`.
        public var description: String {
            switch op {
            case .exists: return key
            case .doesNotExist: return "!" + key
            case .in, .notIn: return "\(key) \(op.rawValue) (\(values.joined(separator: ",")))"
            case .greaterThan: return key + ">" + values.joined()
            case .lessThan: return key + "<" + values.joined()
            default: return key + op.rawValue + values.joined()
            }
        }
    }

    /// Sorted by key, as apimachinery sorts them after parsing.
    public let requirements: [Requirement]

    /// What `--all` means, and `-l ""`: every pod.
    public static let everything = LabelSelector(requirements: [])

    /// An empty selector (`-l ""`) selects every pod, as in kubectl.
    public var isEmpty: Bool { requirements.isEmpty }

    public func matches(_ labels: [String: String]?) -> Bool {
        let labels = labels ?? [:]
        return requirements.allSatisfy { $0.matches(labels) }
    }

    public var description: String { requirements.map(\.description).joined(separator: ",") }

    /// Parses kubectl's grammar; a syntax error is `invalidArgument` with apimachinery's
    /// own message (`unable to parse requirement: …`, `found 'x', expected: …`).
    public static func parse(_ text: String) throws(PodError) -> LabelSelector {
        do {
            var parser = LabelSelectorParser(text)
            let requirements = try parser.parse()
            return LabelSelector(requirements: requirements.sorted { $0.key < $1.key })
        } catch {
            // The message quotes the user's text: control characters are shown escaped, so a
            // hostile selector cannot rewrite the terminal that shows the error.
            throw PodError(.invalidArgument, FieldError.printable(error.message))
        }
    }
}
