import Foundation
import PodCore
import PodLogs
import Testing

@Suite struct FormatTests {
    @Test(arguments: [
        (Int64(0), Int32(0), "1970-01-01T00:00:00.000000000Z"),
        (1_795_919_664, 123_456_789, "2026-11-29T02:34:24.123456789Z"),
        (1_709_251_199, 999_999_999, "2024-02-29T23:59:59.999999999Z"),
        (951_868_800, 1, "2000-03-01T00:00:00.000000001Z"),
        (946_684_799, 500_000_000, "1999-12-31T23:59:59.500000000Z"),
    ])
    func timestampsHaveNineDigitsAndZ(seconds: Int64, nanos: Int32, expected: String) {
        let time = LogTimestamp(seconds: seconds, nanoseconds: nanos)
        #expect(time.description == expected)
        #expect(LogTimestamp.parse(expected) == time)
    }

    @Test func theClockFormatsAsRFC3339UTC() {
        let text = LogTimestamp.now().description
        #expect(text.utf8.count == 30)
        #expect(text.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z/) != nil)
    }

    @Test func parsingAcceptsWhatTheKubeletAccepts() {
        let base = LogTimestamp(seconds: 1_795_919_664)
        #expect(LogTimestamp.parse("2026-11-29T02:34:24Z") == base)
        #expect(LogTimestamp.parse("2026-11-29T02:34:24.5Z") == LogTimestamp(seconds: base.seconds, nanoseconds: 500_000_000))
        #expect(LogTimestamp.parse("2026-11-29T02:34:24.1234567891Z") == LogTimestamp(seconds: base.seconds, nanoseconds: 123_456_789))
        #expect(LogTimestamp.parse("2026-11-29T03:34:24+01:00") == base)
        #expect(LogTimestamp.parse("2026-11-28T21:04:24-05:30") == base)
        for bad in ["", "2026-11-29", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-29T24:00:00Z",
                    "2026-11-29T02:34:24", "2026-11-29T02:34:24.Z", "2026-11-29T02:34:24Zjunk", "x026-11-29T02:34:24Z"] {
            #expect(LogTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func recordsRoundTrip() {
        let record = LogRecord(timestamp: LogTimestamp(seconds: 1_795_919_664, nanoseconds: 123_456_789), stream: .stderr, isPartial: true, text: bytes("a b  c\r"))
        #expect(String(decoding: record.formatted, as: UTF8.self) == "2026-11-29T02:34:24.123456789Z stderr P a b  c\r\n")
        #expect(LogRecord.parse(Array(record.formatted.dropLast())) == record)
    }

    @Test func recordVariantsTheKubeletReads() {
        let empty = LogRecord.parse(bytes("2026-11-29T02:34:24.123456789Z stdout F"))
        #expect(empty.text.isEmpty && !empty.isMalformed && !empty.isPartial)
        let tagged = LogRecord.parse(bytes("2026-11-29T02:34:24Z stdout F:extra hello"))
        #expect(text(tagged) == "hello" && !tagged.isMalformed)
    }

    @Test func malformedLinesComeBackAsText() {
        for line in ["", "garbage", "2026-11-29T02:34:24.123456789Z", "2026-11-29T02:34:24.123456789Z stdin F x",
                     "2026-11-29T02:34:24.123456789Z stdout X x", "2026-11-29T02:34:24.123456789Z stdout FF x",
                     "not-a-time stdout F x", "\u{0}\u{ff}\u{fe}"] {
            let record = LogRecord.parse(bytes(line))
            #expect(record.isMalformed, "\(line)")
            #expect(record.text == bytes(line))
        }
        // Invalid UTF-8 and stray bytes never crash the parser.
        let binary: [UInt8] = [0xff, 0x20, 0x00, 0x0d, 0x20, 0x46]
        #expect(LogRecord.parse(binary).text == binary)
    }

    @Test func sinceFlags() throws {
        let now = LogTimestamp(seconds: 1000, nanoseconds: 500)
        #expect(try LogOptions.since("5s", now: now) == LogTimestamp(seconds: 995, nanoseconds: 500))
        #expect(try LogOptions.since("1m30s", now: now) == LogTimestamp(seconds: 910, nanoseconds: 500))
        #expect(try LogOptions.since("1.5h", now: LogTimestamp(seconds: 10000)) == LogTimestamp(seconds: 4600))
        #expect(try LogOptions.since("250ms", now: now) == LogTimestamp(seconds: 999, nanoseconds: 750_000_500))
        #expect(throws: PodError.self) { try LogOptions.since("5", now: now) }
        #expect(throws: PodError.self) { try LogOptions.since("-5s", now: now) }
        #expect(throws: PodError.self) { try LogOptions.since("abc", now: now) }
        #expect(try LogOptions.sinceTime("2026-11-29T02:34:24Z") == LogTimestamp(seconds: 1_795_919_664))
        #expect(throws: PodError.self) { try LogOptions.sinceTime("yesterday") }
    }
}
