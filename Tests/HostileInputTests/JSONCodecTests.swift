import PodCore
import PodJSON
import Testing

/// The run plan and status codec (PodJSON) against input someone put in a state
/// directory or sent on a control socket: each is refused with a message, none crashes,
/// none takes unbounded memory or stack.
@Suite struct JSONCodecTests {
    private func refused(_ text: [UInt8], limits: JSONLimits = JSONLimits()) -> Bool {
        do { _ = try PodJSON.parse(text, limits: limits); return false } catch { return error.message.contains("JSON") }
    }

    @Test func deepNestingIsRefusedBeforeTheStackIs() {
        #expect(refused(Array(repeating: UInt8(ascii: "["), count: 1_000_000)))
        #expect(refused(Array(String(repeating: "{\"a\":", count: 100_000).utf8)))
        #expect((try? PodJSON.parse(Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8))) != nil)
    }

    @Test func hugeNumbersAreRefusedOrExact() {
        #expect(refused(Array(("[" + String(repeating: "9", count: 100_000) + "]").utf8)))
        #expect(throws: PodError.self) { try PodJSON.decode([Int64].self, from: Array("[1e999]".utf8), source: "t") }
        #expect(throws: PodError.self) { try PodJSON.decode([Double].self, from: Array("[1e999]".utf8), source: "t") }
        for bad in ["[01]", "[-]", "[1.]", "[.5]", "[1e]", "[+1]", "[0x10]", "[NaN]", "[Infinity]"] {
            #expect(refused(Array(bad.utf8)), "\(bad)")
        }
    }

    @Test func badUTF8AndBadEscapesAreRefused() {
        #expect(refused([UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")]))
        #expect(refused([UInt8(ascii: "\""), 0xED, 0xA0, 0x80, UInt8(ascii: "\"")]), "a surrogate encoded in UTF-8")
        #expect(refused([UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\"")]))
        for bad in [#""\uD800""#, #""\uDC00""#, #""\uD800\u0041""#, #""\u12""#, #""\x""#, "\"a\nb\"", "\"unterminated"] {
            #expect(refused(Array(bad.utf8)), "\(bad)")
        }
    }

    @Test func duplicateKeysAndTrailingTextAreRefused() {
        #expect(refused(Array(#"{"op":"ping","op":"stop"}"#.utf8)))
        #expect(refused(Array(#"{"op":"ping"} {"op":"stop"}"#.utf8)))
        #expect(refused(Array(#"{"op":"ping",}"#.utf8)))
        #expect(refused(Array("".utf8)))
    }

    @Test func sizesAreBounded() {
        let limits = JSONLimits(maxBytes: 1024, maxDepth: 8, maxStringBytes: 16, maxNumberLength: 8)
        #expect(refused(Array(repeating: UInt8(ascii: " "), count: 2048), limits: limits))
        #expect(refused(Array(#""0123456789abcdefg""#.utf8), limits: limits))
        #expect(refused(Array("123456789".utf8), limits: limits))
        #expect((try? PodJSON.parse(Array(#""0123456789abcdef""#.utf8), limits: limits)) != nil)
    }
}
