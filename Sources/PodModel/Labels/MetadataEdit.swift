import Foundation
import PodCore

/// What `podctl label` and `podctl annotate` change: `KEY=VALUE` pairs to set and `KEY-`
/// to remove, parsed and applied as kubectl does (label.go's parseLabels and labelFunc,
/// annotate.go's ParsePairs and updateAnnotations), with kubectl's messages.
public struct MetadataEdit: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case label, annotation

        /// The field the API server names in its errors.
        var field: String { self == .label ? "metadata.labels" : "metadata.annotations" }
    }

    public let kind: Kind
    public let set: [String: String]
    public let remove: [String]

    public init(kind: Kind, set: [String: String], remove: [String]) {
        self.kind = kind
        self.set = set
        self.remove = remove
    }

    /// kubectl's GetResourcesAndPairs: resources come first, then changes; a change is an
    /// argument with `=` (not first) or ending in `-` (not `-` alone).
    public static func splitArguments(_ arguments: [String], kind: Kind) throws(PodError) -> (resources: [String], changes: [String]) {
        var resources: [String] = [], changes: [String] = []
        for argument in arguments {
            let isChange = (argument.contains("=") && !argument.hasPrefix("=")) || (argument.hasSuffix("-") && argument != "-")
            if isChange {
                changes.append(argument)
            } else if changes.isEmpty {
                resources.append(argument)
            } else {
                throw PodError(.invalidArgument, "all resources must be specified before \(kind.rawValue) changes: \(FieldError.printable(argument))")
            }
        }
        return (resources, changes)
    }

    /// Parses `KEY=VALUE` and `KEY-`, checking keys (and label values) as the API server
    /// would, so nothing invalid reaches the stored pod.
    public static func parse(_ changes: [String], kind: Kind) throws(PodError) -> MetadataEdit {
        var set: [String: String] = [:]
        var remove: [String] = []
        var invalid: [String] = []
        for change in changes {
            if let equals = change.firstIndex(of: "="), equals != change.startIndex {
                let key = String(change[..<equals]), value = String(change[change.index(after: equals)...])
                if kind == .label {
                    guard !value.contains("=") else { throw PodError(.invalidArgument, "invalid label spec: \(FieldError.printable(change))") }
                    let problems = Names.labelValueErrors(value)
                    guard problems.isEmpty else {
                        throw PodError(.invalidArgument, "invalid label value: \(GoQuote.quoted(change)): \(problems.joined(separator: ";"))")
                    }
                }
                set[key] = value
            } else if change.hasSuffix("-"), change != "-" {
                remove.append(String(change.dropLast()))
            } else {
                guard kind == .annotation else { throw PodError(.invalidArgument, "unknown label spec: \(FieldError.printable(change))") }
                invalid.append(change)
            }
        }
        if !invalid.isEmpty { throw PodError(.invalidArgument, "invalid annotation format: \(FieldError.printable(invalid.joined(separator: ", ")))") }
        try checkKeys(Array(set.keys), kind: kind)
        let both = remove.filter { set[$0] != nil }
        if !both.isEmpty {
            throw PodError(.invalidArgument, kind == .label ? "can not both modify and remove a label in the same command"
                : "can not both modify and remove the following annotation(s) in the same command: \(FieldError.printable(both.joined(separator: ", ")))")
        }
        return MetadataEdit(kind: kind, set: set, remove: remove)
    }

    /// Keys are qualified names (`[prefix/]name`): the API server's message, field and value.
    private static func checkKeys(_ keys: [String], kind: Kind) throws(PodError) {
        for key in keys.sorted() {
            let problems = Names.qualifiedNameErrors(key)
            guard problems.isEmpty else {
                throw PodError(.invalidArgument, "\(kind.field): Invalid value: \(GoQuote.quoted(key)): \(problems.joined(separator: "; "))")
            }
        }
    }
}
