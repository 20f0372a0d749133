import PodCore

/// The standard-library-only JSON codec of the run plan, the status records and the
/// control messages (docs/architecture.md, D55): what pod-supervisor links instead of
/// Foundation's JSONEncoder and JSONDecoder. It reads what Foundation wrote (the plans and
/// statuses of pods started by an older podctl) and Foundation reads what it writes.
/// Types with no Foundation special case only: `Date` would be its `Codable` default
/// (seconds since 2001, a number), `Data` an array of bytes, not base64.
public enum PodJSON {
    /// Compact JSON, object members sorted by name.
    public static func encode<T: Encodable>(_ value: T) throws(PodError) -> [UInt8] {
        JSONWriter.write(try tree(value))
    }

    /// Indented JSON, as Foundation's `[.prettyPrinted, .sortedKeys]` writes it (two
    /// spaces, `"key" : value`), for the files people read, such as the leases.
    public static func encodePretty<T: Encodable>(_ value: T) throws(PodError) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.writePretty(try tree(value), indent: 0, into: &out)
        return out
    }

    /// The tree of `value`, as `encode` writes it.
    public static func tree<T: Encodable>(_ value: T) throws(PodError) -> JSONNode {
        do { return try JSONTreeEncoder.slot(value, at: []).node } catch {
            throw PodError(.internal, "cannot encode \(T.self) as JSON", cause: .text(describe(error)))
        }
    }

    /// Decodes `bytes`; `source` (a path, "the control request") names it in the error.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], source: String, limits: JSONLimits = JSONLimits()) throws(PodError) -> T {
        let node: JSONNode
        do { node = try JSONReader.parse(bytes, limits: limits) } catch {
            throw PodError(.corruptState, "\(source) is not valid JSON", cause: .error(error))
        }
        do { return try JSONTreeDecoder.decode(type, from: node, at: []) } catch {
            throw PodError(.corruptState, "\(source) does not hold a \(T.self)", cause: .text(describe(error)))
        }
    }

    /// Parses without decoding (tests, tools).
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(PodError) -> JSONNode {
        try JSONReader.parse(bytes, limits: limits)
    }

    /// A coding error as one line: where (a field path such as `containers[0].name`) and what.
    public static func describe(_ error: any Error) -> String {
        let context: (path: [any CodingKey], text: String)
        switch error {
        case let DecodingError.typeMismatch(_, c), let DecodingError.valueNotFound(_, c), let DecodingError.dataCorrupted(c):
            context = (c.codingPath, c.debugDescription)
        case let DecodingError.keyNotFound(key, c):
            context = (c.codingPath + [key], "required, missing")
        case let EncodingError.invalidValue(_, c):
            context = (c.codingPath, c.debugDescription)
        default:
            return "\(error)"
        }
        return context.path.isEmpty ? context.text : "\(fieldPath(context.path)): \(context.text)"
    }

    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }
}
