/// Parses RFC 3339 the way the kubelet reads CRI logs (Go layout
/// `2006-01-02T15:04:05.999999999Z07:00`): any number of fractional digits (beyond nine
/// they are cut), `Z` or `±hh:mm`. Everything is range-checked; nil means "not a
/// timestamp", never a crash, because the reader must survive any file content.
enum TimestampParser {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> LogTimestamp? {
        var cursor = Cursor(bytes: bytes)
        guard let year = cursor.number(4), cursor.skip("-"),
              let month = cursor.number(2), cursor.skip("-"),
              let day = cursor.number(2), cursor.skip("T") || cursor.skip("t"),
              let hour = cursor.number(2), cursor.skip(":"),
              let minute = cursor.number(2), cursor.skip(":"),
              let second = cursor.number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var nanos: Int64 = 0
        if cursor.skip(".") {
            guard let fraction = cursor.fraction() else { return nil }
            nanos = fraction
        }
        guard let offset = cursor.zoneOffset(), cursor.atEnd else { return nil }
        let days = CivilDate.toDays(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return LogTimestamp(seconds: seconds, nanoseconds: Int32(nanos))
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + width] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += width
            return value
        }

        /// Fractional digits as nanoseconds; at least one digit.
        mutating func fraction() -> Int64? {
            var nanos: Int64 = 0
            var count = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if count < 9 { nanos = nanos * 10 + Int64(bytes[index] - 48) }
                count += 1
                index += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 9)..<9 { nanos *= 10 }
            return nanos
        }

        /// Seconds east of UTC.
        mutating func zoneOffset() -> Int64? {
            if skip("Z") || skip("z") { return 0 }
            let sign: Int64
            if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
            guard let hours = number(2), skip(":"), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            return sign * (hours * 3600 + minutes * 60)
        }
    }
}
