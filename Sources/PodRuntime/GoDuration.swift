import PodCore

/// Durations as Go writes and reads them (`time.ParseDuration`): kubectl's `--timeout`
/// takes `30s`, `2m`, `1m30s`, `1.5h`, `500ms`, `0`; a leading sign is allowed.
public enum GoDuration {
    /// Seconds of a Go duration, with Go's error messages (`time: missing unit in duration "30"`).
    public static func parse(_ text: String) throws(PodError) -> Double {
        let quoted = "\"\(text)\""
        var scalars = Substring(text)
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if scalars == "0" { return 0 }
        guard !scalars.isEmpty else { throw PodError(.invalidArgument, "time: invalid duration \(quoted)") }
        var total = 0.0
        while !scalars.isEmpty {
            let number = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1, let value = Double(number.contains(".") ? "0" + number + "0" : String(number)) else {
                throw PodError(.invalidArgument, "time: invalid duration \(quoted)")
            }
            scalars = scalars.dropFirst(number.count)
            let unit = scalars.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard !unit.isEmpty else { throw PodError(.invalidArgument, "time: missing unit in duration \(quoted)") }
            guard let scale = units[String(unit)] else {
                throw PodError(.invalidArgument, "time: unknown unit \"\(unit)\" in duration \(quoted)")
            }
            scalars = scalars.dropFirst(unit.count)
            total += value * scale
        }
        return negative ? -total : total
    }

    private static let units: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
    ]

    /// kubectl's `duration.HumanDuration` (the event Age column): `45s`, `2m`, `3m20s`,
    /// `15m`, `5h10m`, `12h`, `3d4h`, `20d`, `2y30d`, `9y`.
    public static func human(_ seconds: Double) -> String {
        let value = Int(seconds.rounded(.towardZero))
        if value < -1 { return "<invalid>" }
        if value < 0 { return "0s" }
        if value < 60 * 2 { return "\(value)s" }
        let minutes = value / 60
        if minutes < 10 {
            let rest = value % 60
            return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = value / 3600
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let rest = hours % 24
            return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let rest = (hours / 24) % 365
            return rest == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(rest)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
