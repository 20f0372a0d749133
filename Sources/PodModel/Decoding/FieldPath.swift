/// A path to a field, printed the Kubernetes way: `spec.containers[1].ports[0].containerPort`,
/// map keys in brackets: `metadata.labels[app]`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    public enum Step: Hashable, Sendable {
        case field(String)
        case index(Int)
        case key(String)
    }

    public var steps: [Step]

    public init(_ steps: [Step] = []) { self.steps = steps }

    public init(_ field: String) { self.steps = [.field(field)] }

    public func child(_ field: String) -> FieldPath { FieldPath(steps + [.field(field)]) }
    public func index(_ index: Int) -> FieldPath { FieldPath(steps + [.index(index)]) }
    public func key(_ key: String) -> FieldPath { FieldPath(steps + [.key(key)]) }

    /// True when `self` is `prefix` or lies under it.
    public func hasPrefix(_ prefix: FieldPath) -> Bool {
        steps.count >= prefix.steps.count && Array(steps.prefix(prefix.steps.count)) == prefix.steps
    }

    public var description: String {
        var text = ""
        for step in steps {
            switch step {
            case let .field(name): text += text.isEmpty ? FieldError.printable(name) : "." + FieldError.printable(name)
            case let .index(index): text += "[\(index)]"
            case let .key(key): text += "[\(FieldError.printable(key))]"
            }
        }
        return text
    }
}
