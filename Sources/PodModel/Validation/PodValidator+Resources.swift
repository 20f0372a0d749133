import Foundation

extension PodValidator {
    static let quantityMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    static let resourceNames = ["cpu", "ephemeral-storage", "memory"]

    mutating func validateResources(_ resources: ResourceRequirements?, _ path: FieldPath) {
        guard let resources else { return }
        let limits = checkResourceList(resources.limits ?? [:], path.child("limits"))
        let requests = checkResourceList(resources.requests ?? [:], path.child("requests"))
        for (name, request) in requests.sorted(by: { $0.key < $1.key }) {
            guard let limit = limits[name], request > limit else { continue }
            let requestText = resources.requests?[name]?.text ?? ""
            let limitText = resources.limits?[name]?.text ?? ""
            add(.invalid(path.child("requests").key(name), quoting: requestText, "must be less than or equal to \(name) limit of \(limitText)"))
        }
    }

    /// The largest value podctl can enforce: an int64 of bytes, or of millicores for cpu,
    /// as the kubelet reads them (`Value()`, `MilliValue()`). Kubernetes' ParseQuantity
    /// caps a binary-suffixed value at 2^63-1 without a word and lets a decimal one
    /// overflow `MilliValue()` (kubernetes#128684); podctl refuses both in the API
    /// server's words for a range, so a limit is never silently another limit.
    static func largestQuantity(_ name: String) -> (value: Decimal, text: String)? {
        let largest = Decimal(Int64.max)
        return name == "cpu" ? (largest / 1000, "\(Int64.max)m") : (largest, String(Int64.max))
    }

    /// The valid entries of a limits or requests map, as exact values.
    private mutating func checkResourceList(_ list: [String: Quantity], _ path: FieldPath) -> [String: Decimal] {
        var values: [String: Decimal] = [:]
        for (name, quantity) in list.sorted(by: { $0.key < $1.key }) {
            let entryPath = path.key(name)
            if name.hasPrefix("hugepages-") {
                add(.forbidden(entryPath, "podctl does not manage huge pages yet"))
                continue
            }
            if !Self.resourceNames.contains(name) {
                add(.unsupported(entryPath, name, supported: Self.resourceNames))
                continue
            }
            guard let value = quantity.decimal else {
                add(.invalid(entryPath, quoting: quantity.text, Self.quantityMessage))
                continue
            }
            if value < 0 {
                add(.invalid(entryPath, quoting: quantity.text, "must be greater than or equal to 0"))
                continue
            }
            if let largest = Self.largestQuantity(name), value > largest.value {
                add(.invalid(entryPath, quoting: quantity.text, "must be less than or equal to \(largest.text)"))
                continue
            }
            if name == "memory" || name == "ephemeral-storage", value != value.rounded() {
                add(.invalid(entryPath, quoting: quantity.text, "must be a whole number of bytes"))
                continue
            }
            values[name] = value
        }
        return values
    }
}

extension Decimal {
    func rounded() -> Decimal {
        var input = self
        var result = Decimal()
        NSDecimalRound(&result, &input, 0, .down)
        return result
    }
}
