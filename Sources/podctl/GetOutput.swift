import Foundation
import PodCore
import PodJSONPath
import PodRuntime

/// `get -o FORMAT`: the formats kubectl's printers take, parsed once before any pod is
/// read, so a bad template fails fast with kubectl's message (exit 1).
enum GetOutput {
    case table(wide: Bool)
    case name, json, yaml
    case jsonPath(JSONPathTemplate)
    case customColumns(CustomColumns)

    /// The largest template or columns file podctl reads (the template's own bound).
    static let maximumFileSize = JSONPathTemplate.maximumLength

    init(_ format: String?) throws(PodError) {
        guard let format else { self = .table(wide: false); return }
        let (kind, value) = Self.split(format)
        switch kind {
        case "wide" where value == nil: self = .table(wide: true)
        case "name" where value == nil: self = .name
        case "json" where value == nil: self = .json
        case "yaml" where value == nil: self = .yaml
        case "jsonpath", "jsonpath-file":
            // kubectl: "template format specified but no template given".
            guard let value, !value.isEmpty else { throw PodError(.invalidArgument, "template format specified but no template given") }
            self = .jsonPath(try JSONPathTemplate(kind == "jsonpath" ? value : try Self.read(value)))
        case "custom-columns": self = .customColumns(try CustomColumns(spec: value ?? ""))
        case "custom-columns-file":
            guard let value, !value.isEmpty else { throw PodError(.invalidArgument, "custom-columns-file format specified but no file given") }
            self = .customColumns(try CustomColumns(file: try Self.read(value)))
        default:
            throw PodError(.invalidArgument, "unable to match a printer suitable for the output format \"\(format)\", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml")
        }
    }

    /// `jsonpath={.a}` → ("jsonpath", "{.a}"); `json` → ("json", nil).
    private static func split(_ format: String) -> (String, String?) {
        guard let equals = format.firstIndex(of: "=") else { return (format, nil) }
        return (String(format[..<equals]), String(format[format.index(after: equals)...]))
    }

    private static func read(_ path: String) throws(PodError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PodError(.notFound, "cannot read the template file \(path): give a readable file")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumFileSize + 1)) ?? Data()
        guard data.count <= maximumFileSize else {
            throw PodError(.invalidArgument, "the template file \(path) is over \(maximumFileSize) bytes: shorten it")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The pods as the template printers see them: one object for a single named pod,
    /// else kubectl's `{"apiVersion":"v1","kind":"List","items":[…]}`, as `-o json`.
    static func tree(_ views: [PodView], single: Bool) throws(PodError) -> JSONValue {
        var items: [JSONValue] = []
        for view in views { items.append(try tree(view)) }
        if single, let only = items.first { return only }
        return .object(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(items)])
    }

    static func tree(_ view: PodView) throws(PodError) -> JSONValue {
        do {
            return try view.jsonTree()
        } catch {
            throw PodError(.internal, "cannot encode pod \(view.key) as JSON", cause: .text("\(error)"))
        }
    }

    /// The template printers' text: jsonpath as is (no newline, as kubectl), custom
    /// columns as a table with a header.
    static func render(_ views: [PodView], single: Bool, jsonPath template: JSONPathTemplate) throws(PodError) -> String {
        try template.execute(try tree(views, single: single))
    }

    static func render(_ views: [PodView], columns: CustomColumns, header: Bool = true) throws(PodError) -> String {
        var rows = header ? [columns.headers] : []
        for view in views { rows.append(try columns.row(try tree(view))) }
        return Table.render(rows)
    }
}
