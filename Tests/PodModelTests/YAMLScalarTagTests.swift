import Testing
import Yams
@testable import PodModel

/// D88: plain scalars are tagged without Yams' regular expressions. Whatever
/// `Resolver.default` says of a string, `YAMLScalarTag` must say too.
@Suite struct YAMLScalarTagTests {
    static func expected(_ text: String) -> Yams.Tag.Name {
        Resolver.default.resolveTag(of: Node(text))
    }

    static let curated = [
        "", "~", "null", "Null", "NULL", "nULL", "<<", "=", "==",
        "yes", "Yes", "YES", "yEs", "no", "on", "ON", "off", "true", "TRUE", "tRue", "false", "y", "n",
        "0", "-0", "+0", "00", "07", "08", "0o7", "0o8", "0o", "0b", "0b101", "-0b1_0", "0b2", "0x", "0x1F", "+0xdead_BEEF", "0xg",
        "1", "12", "1_000", "-1_", "190:20:30", "1:60", "1:59", "1:5:9", "1:", ":1", "01:30", "1::2", "1:123",
        "1.", "1.5", "-1.5e3", "1.5E+3", "1e5", "1e", "1e+", ".5", "._", ".5e+3", ".5e3", "+.5", "-.5",
        "190:20:30.15", "190:20:30.", "190:20:30", "1:2.3", "1:2:.3",
        ".inf", "-.inf", "+.Inf", ".INF", ".iNf", ".nan", ".NaN", "-.nan", "nan", "inf",
        "2001-12-14", "2001-12-1", "2001-1-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
        "2001-12-15T02:59:43.1Z", "2001-12-15 2:59:43.10", "2001-12-14 21:59:43.10 ", "2001-12-14 21:59:43.10 Z",
        "2001-12-14\t21:59:43", "2001-12-14T21:59:43+05", "2001-12-14T21:59:43+123", "2001-12-14T21:59:43+05:3",
        "2001-12-14T1:59:43", "2001-12-14T21:5:43", "20011-12-14", "2001-12-144", "2001-123-14T21:59:43",
        "10.88.0.2", "10.88.0.0/16", "1Gi", "500m", "0.5", "80", "8080/TCP", "v1", "é1", "１２",
    ]

    @Test func curatedScalarsGetTheDefaultResolversTags() {
        for text in Self.curated {
            #expect(YAMLScalarTag.name(of: text) == Self.expected(text), "\(text.debugDescription)")
        }
    }

    /// Every string of up to four characters over the characters the patterns care about.
    @Test func everyShortStringGetsTheDefaultResolversTag() {
        let alphabet = Array("019_.e+-:xbo TZ")
        var strings: [String] = [""]
        var frontier: [String] = [""]
        for _ in 1...4 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + String($0) } }
            strings += frontier
        }
        var mismatches: [String] = []
        for text in strings where YAMLScalarTag.name(of: text) != Self.expected(text) { mismatches.append(text) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    /// Longer strings drawn from the same characters and from timestamp-like pieces, with
    /// a fixed generator so a failure is repeatable.
    @Test func longerGeneratedStringsGetTheDefaultResolversTag() {
        let pieces = ["0", "1", "5", "7", "9", "12", "2001", "-", "+", ".", "_", ":", "e", "E", "T", "t", " ", "\t", "Z", "0x", "0b", "0o", "inf", "nan"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var mismatches: [String] = []
        for _ in 0..<20000 {
            var text = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for step in 0..<Int(state >> 60) + 1 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int((state >> 33) % UInt64(pieces.count))]
                _ = step
            }
            if YAMLScalarTag.name(of: text) != Self.expected(text) { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20).map(\.debugDescription))")
    }

    /// Whole manifests: the values decoded as before (an int, a bool, a quoted number).
    @Test func manifestsDecodeTheirScalarsAsBefore() throws {
        let values = try Value.documents(yaml: "a: 1\nb: yes\nc: \"1\"\nd: !!str 2\ne: 1.5\nf: ~\ng: 0x10\nh: '<<'\n")
        #expect(values.count == 1)
        guard case let .object(members)? = values.first else { Issue.record("not an object"); return }
        let byKey = Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
        #expect(byKey["a"] == .int(1))
        #expect(byKey["b"] == .bool(true))
        #expect(byKey["c"] == .string("1"))
        #expect(byKey["d"] == .string("2"))
        #expect(byKey["e"] == .float(1.5))
        #expect(byKey["f"] == .null)
        #expect(byKey["g"] == .int(16))
        #expect(byKey["h"] == .string("<<"))
    }
}
