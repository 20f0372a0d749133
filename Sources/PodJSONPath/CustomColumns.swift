import Foundation
import PodCore

/// kubectl's `-o custom-columns=NAME:.metadata.name,…` and `-o custom-columns-file=FILE`
/// (kubectl's CustomColumnsPrinter): one header per column, each cell the values of a
/// relaxed jsonpath joined by commas, `<none>` when there are none.
public struct CustomColumns: Sendable {
    public let headers: [String]
    let templates: [JSONPathTemplate]

    /// Columns are few; a spec past this is not a table anyone reads.
    static let maximumColumns = 256

    /// `HEADER:EXPRESSION,…`, kubectl's messages for an empty or malformed spec.
    public init(spec: String) throws(PodError) {
        guard !spec.isEmpty else { throw PodError(.invalidArgument, "custom-columns format specified but no custom columns given") }
        var pairs: [(String, String)] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw PodError(.invalidArgument, "unexpected custom-columns spec: \(part), expected <header>:<json-path-expr>")
            }
            pairs.append((String(fields[0]), String(fields[1])))
        }
        try self.init(pairs)
    }

    /// A file of two lines: the headers, then the expressions, each separated by blanks.
    public init(file contents: String) throws(PodError) {
        let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
        let format = "Expected format is one line of space separated headers, one line of space separated column specs."
        guard let first = lines.first, !first.isEmpty else { throw PodError(.invalidArgument, "invalid template, missing header line. \(format)") }
        guard lines.count > 1, !lines[1].isEmpty else { throw PodError(.invalidArgument, "invalid template, missing spec line. \(format)") }
        let headers = first.split(whereSeparator: \.isWhitespace).map(String.init)
        let specs = lines[1].split(whereSeparator: \.isWhitespace).map(String.init)
        guard headers.count == specs.count else {
            throw PodError(.invalidArgument, "number of headers (\(headers.count)) and field specifications (\(specs.count)) don't match")
        }
        try self.init(Array(zip(headers, specs)))
    }

    private init(_ pairs: [(header: String, expression: String)]) throws(PodError) {
        guard pairs.count <= Self.maximumColumns else {
            throw PodError(.invalidArgument, "\(pairs.count) custom columns are more than podctl prints (\(Self.maximumColumns))")
        }
        headers = pairs.map(\.header)
        var templates: [JSONPathTemplate] = []
        for pair in pairs { templates.append(try JSONPathTemplate(relaxed: pair.expression)) }
        self.templates = templates
    }

    /// One object's cells.
    public func row(_ object: JSONValue) throws(PodError) -> [String] {
        var cells: [String] = []
        for template in templates {
            let values = try template.values(object).map { Self.escapeTerminal($0.goValue) }
            cells.append(values.isEmpty ? "<none>" : values.joined(separator: ","))
        }
        return cells
    }

    /// kubectl's EscapeTerminal: a value never moves the cursor or rings the bell.
    static func escapeTerminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "^" : $0 }))
    }
}

extension JSONPathTemplate {
    /// A template from kubectl's RelaxedJSONPathExpression (custom-columns, `wait
    /// --for=jsonpath`): `name1.name2`, `.name1.name2`, `{name1.name2}` and
    /// `{.name1.name2}` all mean `{.name1.name2}`.
    public init(relaxed expression: String) throws(PodError) {
        var body = Substring(expression)
        if body.hasPrefix("{") && body.hasSuffix("}") && body.count >= 2 { body = body.dropFirst().dropLast() }
        if body.hasPrefix(".") { body = body.dropFirst() }
        guard !body.isEmpty, !body.contains("{"), !body.contains("}") else {
            throw PodError(.invalidArgument, "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
        }
        try self.init("{.\(body)}")
    }
}
