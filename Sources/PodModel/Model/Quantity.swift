import Foundation

/// A Kubernetes resource quantity (`500m`, `1.5`, `128Mi`, `1G`, `1e3`), kept as written
/// and parsed exactly as `k8s.io/apimachinery/pkg/api/resource` does:
///
///     quantity ::= signedNumber suffix
///     suffix   ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | (e|E) signedInt
///
/// YAML may give it as a number (`cpu: 1`), which the API accepts too.
public struct Quantity: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            text = String(number)
        } else if let number = try? container.decode(Double.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }

    /// The exact value, or nil when the text is not a quantity.
    public var decimal: Decimal? { Quantity.parse(text) }

    /// The value rounded up to a whole number, as `Quantity.Value()` does.
    public var value: Int64? { decimal.flatMap { Quantity.ceilInt64($0) } }

    /// The value in thousandths, rounded up, as `Quantity.MilliValue()` does (CPU in millicores).
    public var milliValue: Int64? { decimal.flatMap { Quantity.ceilInt64($0 * 1000) } }

    static func parse(_ text: String) -> Decimal? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var number = ""
        if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" {
            number.unicodeScalars.append(scalars[index])
            index += 1
        }
        var digits = 0
        var sawDot = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.numericType == .decimal, scalar.isASCII {
                digits += 1
            } else if scalar == "." && !sawDot {
                sawDot = true
            } else {
                break
            }
            number.unicodeScalars.append(scalar)
            index += 1
        }
        guard digits > 0, let mantissa = Decimal(string: number, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        let suffix = String(String.UnicodeScalarView(scalars[index...]))
        guard let multiplier = multiplier(for: suffix) else { return nil }
        return mantissa * multiplier
    }

    private static func multiplier(for suffix: String) -> Decimal? {
        let binary: [String: Int] = ["Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60]
        let decimal: [String: Int] = ["n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18]
        if let power = binary[suffix] { return Decimal(sign: .plus, exponent: 0, significand: 1) * pow(Decimal(2), power) }
        if let power = decimal[suffix] { return Decimal(sign: .plus, exponent: power, significand: 1) }
        guard let first = suffix.first, first == "e" || first == "E" else { return nil }
        let exponentText = suffix.dropFirst()
        let unsigned = exponentText.first == "+" || exponentText.first == "-" ? exponentText.dropFirst() : exponentText
        guard !unsigned.isEmpty, unsigned.allSatisfy({ $0.isASCII && $0.isNumber }),
              let power = Int(exponentText), abs(power) <= 30 else { return nil }
        return Decimal(sign: .plus, exponent: power, significand: 1)
    }

    private static func ceilInt64(_ value: Decimal) -> Int64? {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .up)
        guard rounded <= Decimal(Int64.max), rounded >= Decimal(Int64.min) else { return nil }
        return (rounded as NSDecimalNumber).int64Value
    }
}
