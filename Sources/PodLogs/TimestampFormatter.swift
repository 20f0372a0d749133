/// Formats `LogTimestamp`s without a `DateFormatter`: the date and time of day change
/// once a second, so that part is computed once per second and copied; only the nine
/// nanosecond digits are produced for every record. (containerd formats with Go's
/// `AppendFormat` into a reused buffer for the same reason.)
struct TimestampFormatter {
    /// `2026-11-29T02:34:24.123456789Z`.
    static let length = 30
    /// `2026-11-29T02:34:24.`: the part cached per second.
    private static let prefixLength = 20

    private var cachedSecond = Int64.min
    private var prefix = [UInt8](repeating: 0, count: prefixLength)

    /// Writes exactly `length` bytes at `destination`.
    mutating func write(_ time: LogTimestamp, to destination: UnsafeMutableRawPointer) {
        if time.seconds != cachedSecond {
            cachedSecond = time.seconds
            Self.formatPrefix(time.seconds, into: &prefix)
        }
        prefix.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: Self.prefixLength) }
        var nanos = max(0, min(Int(time.nanoseconds), 999_999_999))
        let digits = destination.assumingMemoryBound(to: UInt8.self) + Self.prefixLength
        for index in stride(from: 8, through: 0, by: -1) {
            digits[index] = UInt8(truncatingIfNeeded: 48 + nanos % 10)
            nanos /= 10
        }
        digits[9] = UInt8(ascii: "Z")
    }

    private static func formatPrefix(_ seconds: Int64, into out: inout [UInt8]) {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let date = CivilDate.fromDays(days)
        // RFC 3339 has four-digit years; clamp rather than write a malformed record.
        let year = max(0, min(date.year, 9999))
        put(year, 4, at: 0, into: &out)
        out[4] = UInt8(ascii: "-")
        put(date.month, 2, at: 5, into: &out)
        out[7] = UInt8(ascii: "-")
        put(date.day, 2, at: 8, into: &out)
        out[10] = UInt8(ascii: "T")
        put(secondOfDay / 3600, 2, at: 11, into: &out)
        out[13] = UInt8(ascii: ":")
        put(secondOfDay / 60 % 60, 2, at: 14, into: &out)
        out[16] = UInt8(ascii: ":")
        put(secondOfDay % 60, 2, at: 17, into: &out)
        out[19] = UInt8(ascii: ".")
    }

    private static func put(_ value: Int64, _ width: Int, at offset: Int, into out: inout [UInt8]) {
        var value = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
            out[index] = UInt8(truncatingIfNeeded: 48 + value % 10)
            value /= 10
        }
    }
}
