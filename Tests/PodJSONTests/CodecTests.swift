import Foundation
import PodCore
import PodJSON
import Testing

/// A record shaped like the status and plan records: optionals, nested enums with
/// associated values, dictionaries, every integer width, doubles.
private struct Sample: Codable, Equatable {
    enum State: Codable, Equatable {
        case waiting(reason: String, message: String?)
        case terminated(exitCode: Int32, signal: Int32?, finishedAt: String)
    }
    enum Kind: String, Codable { case normal = "Normal", warning = "Warning" }

    var name: String
    var count: Int
    var big: Int64
    var huge: UInt64
    var small: Int8
    var grace: Double
    var ratio: Float
    var flag: Bool
    var missing: String?
    var present: Int32?
    var states: [State]
    var kind: Kind
    var labels: [String: String]
    var nested: [[UInt32]]
}

private let sample = Sample(
    name: "a \"quoted\" \\ name\n\t\u{1}\u{7f} é 😀 /path", count: -42, big: Int64.min, huge: UInt64.max, small: -128,
    grace: 0.1, ratio: 1.5, flag: true, missing: nil, present: 7,
    states: [.waiting(reason: "ContainerCreating", message: nil), .terminated(exitCode: 137, signal: 9, finishedAt: "2026-12-02T17:00:00Z")],
    kind: .warning, labels: ["app": "web", "": "empty key"], nested: [[], [1, 2, 4_294_967_295]])

@Suite struct CodecTests {
    @Test func roundTrips() throws {
        let bytes = try PodJSON.encode(sample)
        #expect(try PodJSON.decode(Sample.self, from: bytes, source: "test") == sample)
    }

    @Test func foundationReadsWhatItWrites() throws {
        let bytes = try PodJSON.encode(sample)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(bytes)) == sample)
    }

    /// Run plans and statuses written by an older podctl (Foundation, sorted keys, pretty
    /// or compact, slashes escaped) still decode.
    @Test func itReadsWhatFoundationWrote() throws {
        for formatting in [JSONEncoder.OutputFormatting.sortedKeys, [.sortedKeys, .prettyPrinted], []] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = formatting
            let bytes = Array(try encoder.encode(sample))
            #expect(try PodJSON.decode(Sample.self, from: bytes, source: "test") == sample)
        }
    }

    @Test func outputIsCompactSortedAndEscaped() throws {
        struct Small: Codable { var b: String; var a: Int; var c: Double? }
        let text = String(decoding: try PodJSON.encode(Small(b: "x\u{0}\n\"", a: 1, c: nil)), as: UTF8.self)
        #expect(text == #"{"a":1,"b":"x\u0000\n\""}"#)
    }

    /// The leases file's layout (D87): Foundation's `[.prettyPrinted, .sortedKeys]`, so
    /// the file reads as before; both codecs read it back.
    @Test func prettyOutputIsIndentedAsFoundationWritesIt() throws {
        struct Lease: Codable, Equatable { var name: String; var taken: Double? }
        struct File: Codable, Equatable { var subnet: String; var leases: [Lease]; var none: [Int] }
        let file = File(subnet: "10.88.0.0/16", leases: [Lease(name: "a", taken: 1.5), Lease(name: "b", taken: nil)], none: [])
        let bytes = try PodJSON.encodePretty(file)
        #expect(String(decoding: bytes, as: UTF8.self) == """
            {
              "leases" : [
                {
                  "name" : "a",
                  "taken" : 1.5
                },
                {
                  "name" : "b"
                }
              ],
              "none" : [],
              "subnet" : "10.88.0.0/16"
            }
            """)
        #expect(try PodJSON.decode(File.self, from: bytes, source: "test") == file)
        #expect(try JSONDecoder().decode(File.self, from: Data(bytes)) == file)
    }

    @Test func escapesDecode() throws {
        let bytes = Array(#"["\u00e9\uD83D\uDE00\/\b\f\n\r\t\"\\"]"#.utf8)
        #expect(try PodJSON.decode([String].self, from: bytes, source: "test") == ["é😀/\u{8}\u{c}\n\r\t\"\\"])
    }

    @Test func integersAreExact() throws {
        #expect(try PodJSON.decode([Int64].self, from: Array("[9223372036854775807,-9223372036854775808]".utf8), source: "t") == [Int64.max, Int64.min])
        #expect(try PodJSON.decode([UInt64].self, from: Array("[18446744073709551615]".utf8), source: "t") == [UInt64.max])
        #expect(try PodJSON.decode([Int].self, from: Array("[1.0,2e3,-0]".utf8), source: "t") == [1, 2000, 0])
        #expect(throws: PodError.self) { try PodJSON.decode([Int64].self, from: Array("[9223372036854775808]".utf8), source: "t") }
        #expect(throws: PodError.self) { try PodJSON.decode([UInt8].self, from: Array("[256]".utf8), source: "t") }
        #expect(throws: PodError.self) { try PodJSON.decode([Int].self, from: Array("[1.5]".utf8), source: "t") }
        #expect(throws: PodError.self) { try PodJSON.decode([Int].self, from: Array("[9007199254740993.0]".utf8), source: "t") }
    }

    @Test func errorsNameTheField() throws {
        let bytes = Array(#"{"name":"x","count":"seven"}"#.utf8)
        do {
            _ = try PodJSON.decode(Sample.self, from: bytes, source: "/run/plan.json")
            Issue.record("decoded a string as an Int")
        } catch {
            #expect(error.code == .corruptState)
            #expect(error.description.contains("/run/plan.json"))
            #expect(error.description.contains("count"))
        }
    }

    @Test func nonFiniteDoublesAreRefused() {
        #expect(throws: PodError.self) { try PodJSON.encode([Double.infinity]) }
        #expect(throws: PodError.self) { try PodJSON.encode([Double.nan]) }
    }
}
