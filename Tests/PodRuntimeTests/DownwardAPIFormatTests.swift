import PodModel
import Testing
@testable import PodRuntime

/// Label and annotation files as the kubelet writes them (fieldpath.FormatMap, Go's %q).
@Suite struct DownwardAPIFormatTests {
    @Test func mapsAreSortedQuotedLinesWithoutAFinalNewline() {
        #expect(RunPlanner.formatMap(["tier": "db", "app": "web"]) == "app=\"web\"\ntier=\"db\"")
        #expect(RunPlanner.formatMap([:]) == "")
    }

    @Test func valuesAreEscapedAsGoQuotes() {
        #expect(GoQuote.quoted("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"")
        #expect(GoQuote.quoted("a\nb\tc\u{01}\u{7F}") == "\"a\\nb\\tc\\x01\\x7f\"")
        #expect(GoQuote.quoted("café ✓") == "\"café ✓\"")
    }
}
