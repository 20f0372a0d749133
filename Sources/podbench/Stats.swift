import Foundation

/// Samples of one figure for both systems, and how the ratio compares with its target.
struct Figure {
    enum Target {
        /// podctl's median at most this fraction of Podman's.
        case atMost(Double)
        /// podctl's median at least this fraction of Podman's.
        case atLeast(Double)
        /// podctl's own median at most this (a figure that is not a ratio, e.g. growth).
        case podctlAtMost(Double)
        case none
    }

    let name: String
    let unit: String
    var podctl: [Double] = []
    var podman: [Double] = []
    var target: Target = .none

    init(_ name: String, _ unit: String, target: Target = .none) {
        self.name = name
        self.unit = unit
        self.target = target
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var ratio: Double? {
        guard let a = Self.median(podctl), let b = Self.median(podman), b != 0 else { return nil }
        return a / b
    }

    var targetText: String {
        switch target {
        case .atMost(let x): return "≤ \(Self.format(x))×"
        case .atLeast(let x): return "≥ \(Self.format(x))×"
        case .podctlAtMost(let x): return "podctl ≤ \(Self.format(x))"
        case .none: return ""
        }
    }

    var met: String {
        if case .podctlAtMost(let x) = target, let own = Self.median(podctl) { return own <= x ? "yes" : "no" }
        guard let ratio else { return "" }
        switch target {
        case .atMost(let x): return ratio <= x ? "yes" : "no"
        case .atLeast(let x): return ratio >= x ? "yes" : "no"
        case .podctlAtMost, .none: return ""
        }
    }

    static func summary(_ values: [Double]) -> String {
        guard let median = median(values), let low = values.min(), let high = values.max() else { return "n/a" }
        return "\(format(low)) / \(format(median)) / \(format(high))"
    }

    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 100 || value == value.rounded() && magnitude < 1e6 { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.1f", value) }
        if magnitude >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }

    var row: [String] {
        [name, unit, Self.summary(podctl), Self.summary(podman), ratio.map { Self.format($0) } ?? "", targetText, met]
    }
}
