import Glibc

/// A point in time as a CRI log record carries it: seconds and nanoseconds since the
/// Unix epoch, UTC. Integers rather than `Date`: a `Double` cannot hold the nanoseconds
/// of the format, and `--since-time` must compare exactly with what was written.
public struct LogTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var seconds: Int64
    /// 0 ..< 1_000_000_000.
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The wall clock, `clock_gettime(CLOCK_REALTIME)`, as containerd's `time.Now()`.
    public static func now() -> LogTimestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return LogTimestamp(seconds: Int64(now.tv_sec), nanoseconds: Int32(now.tv_nsec))
    }

    public static func < (a: LogTimestamp, b: LogTimestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    /// Moves by a signed number of nanoseconds (for `--since=5m`).
    public func adding(nanoseconds delta: Int64) -> LogTimestamp {
        let total = Int64(nanoseconds) + delta % 1_000_000_000
        var seconds = self.seconds + delta / 1_000_000_000 + total / 1_000_000_000
        var nanos = total % 1_000_000_000
        if nanos < 0 { nanos += 1_000_000_000; seconds -= 1 }
        return LogTimestamp(seconds: seconds, nanoseconds: Int32(nanos))
    }

    /// `2026-11-29T02:34:24.123456789Z`: always 9 fractional digits, the fixed-width
    /// RFC 3339 that containerd writes and the kubelet prints for `--timestamps`.
    public var description: String {
        var formatter = TimestampFormatter()
        var bytes = [UInt8](repeating: 0, count: TimestampFormatter.length)
        bytes.withUnsafeMutableBytes { formatter.write(self, to: $0.baseAddress!) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3339 as the kubelet parses it (`2006-01-02T15:04:05.999999999Z07:00`): 0 to 9
    /// fractional digits (more are cut), `Z` or a numeric offset. Nil when it is not one.
    public static func parse(_ text: String) -> LogTimestamp? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) -> LogTimestamp? {
        TimestampParser.parse(bytes)
    }
}

/// Gregorian calendar arithmetic on days since 1970-01-01 (H. Hinnant's `civil_from_days`
/// and `days_from_civil`), so neither formatting nor parsing needs a calendar object.
enum CivilDate {
    static func fromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func toDays(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
