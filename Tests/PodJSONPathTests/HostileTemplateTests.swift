import Foundation
import PodCore
import PodJSONPath
import Testing

/// Templates come from the command line: none may crash podctl or run without bound.
@Suite struct HostileTemplateTests {
    @Test func deepFiltersAreRefused() {
        var template = "@.a"
        for _ in 0..<40 { template = "@.b[?(\(template))]" }
        #expect(throws: PodError.self) { try JSONPathTemplate("{.x[?(\(template))]}") }
    }

    @Test func deepRangesAreRefused() {
        let template = String(repeating: "{range .items[*]}", count: 100) + "x"
        #expect(throws: PodError.self) { try JSONPathTemplate(template) }
    }

    @Test func aHugeTemplateIsRefused() {
        let template = "{" + String(repeating: ".a", count: JSONPathTemplate.maximumLength) + "}"
        #expect(throws: PodError.self) { try JSONPathTemplate(template) }
    }

    @Test func longFlatTemplatesParseWithoutRecursion() throws {
        let template = "{" + String(repeating: ".a", count: 20_000) + "}" + String(repeating: "{' '}", count: 5_000)
        #expect(try JSONPathTemplate(template).execute(.object([:])).count == 5_000)
    }

    @Test func hugeIndicesAndSlicesStayBounded() throws {
        let object = try tree()
        #expect(throws: PodError.self) { try JSONPathTemplate("{.items[0:1099511627776:1099511627776]}").execute(object) }
        #expect(throws: PodError.self) { try JSONPathTemplate("{.items[-1099511627776]}").execute(object) }
        #expect(try JSONPathTemplate("{.items[0:2:1099511627776].metadata.name}").execute(object) == "web")
    }

    /// Each `..` expands every value it is given again: twenty of them over a pod list
    /// would be billions of values.
    @Test func repeatedRecursiveDescentStopsAtTheBudget() throws {
        let template = "{" + String(repeating: "..", count: 20) + "name}"
        #expect(throws: PodError.self) { try JSONPathTemplate(template).execute(tree()) }
    }

    @Test func rangesMultiplyingOutputStopAtTheLimit() throws {
        let row = JSONValue.array(Array(repeating: .string(String(repeating: "x", count: 1000)), count: 1000))
        let wide = JSONValue.object(["items": .array(Array(repeating: row, count: 1000))])
        #expect(throws: PodError.self) { try JSONPathTemplate("{range .items[*]}{[*]}{[*]}{end}").execute(wide) }
    }
}
