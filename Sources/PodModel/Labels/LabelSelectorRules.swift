import Foundation

/// The checks apimachinery's `NewRequirement` makes on a parsed requirement, with its
/// field-error wording: a key is a qualified name, values are label values, `gt`/`lt`
/// take one integer. Several problems print as Go's aggregate: `[first, second]`.
enum LabelSelectorRules {
    /// Why `key` is not a label key, as `field.Invalid(path, key, …).Error()` words it;
    /// the parser has no field path, which Go prints as `<nil>`.
    static func keyProblem(_ key: String, path: String) -> String? {
        let errors = Names.qualifiedNameErrors(key)
        return errors.isEmpty ? nil : "\(path): Invalid value: \(GoQuote.quoted(key)): \(errors.joined(separator: "; "))"
    }

    static func requirement(_ key: String, _ op: LabelSelector.Operator, _ values: [String]) throws(LabelSelectorParser.Failure) -> LabelSelector.Requirement {
        var problems: [String] = []
        if let problem = keyProblem(key, path: "key") { problems.append(problem) }
        switch op {
        case .in, .notIn:
            if values.isEmpty { problems.append("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty") }
        case .greaterThan, .lessThan:
            for (index, value) in values.enumerated() where Int64(value) == nil {
                problems.append("values[\(index)]: Invalid value: \(GoQuote.quoted(value)): for 'Gt', 'Lt' operators, the value must be an integer")
            }
        default: break
        }
        for (index, value) in values.enumerated() {
            let errors = Names.labelValueErrors(value)
            if !errors.isEmpty {
                problems.append("values[\(index)][\(key)]: Invalid value: \(GoQuote.quoted(value)): \(errors.joined(separator: "; "))")
            }
        }
        guard problems.isEmpty else {
            throw LabelSelectorParser.Failure(message: problems.count == 1 ? problems[0] : "[" + problems.joined(separator: ", ") + "]")
        }
        return LabelSelector.Requirement(key: key, op: op, values: values)
    }

}
