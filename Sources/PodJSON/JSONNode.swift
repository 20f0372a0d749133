/// A parsed JSON document, as the codec of the run plan, the status records and the
/// control messages sees it (docs/architecture.md, D55). Numbers keep the text they were
/// written with, so an Int64 or UInt64 is read exactly, never through a Double.
public enum JSONNode: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The literal as it stood in the input (already checked against the JSON grammar).
    case number(String)
    case string(String)
    case array([JSONNode])
    /// Keys are unique: the reader refuses a duplicate rather than pick one.
    case object([String: JSONNode])

    /// What the value is, for messages: "a string", "an object", …
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// How much a reader accepts. Every input this codec reads is written by podctl itself,
/// but it sits in a state directory where anything may be put, so it is bounded like
/// any other parser (docs/security.md, "Threat model").
public struct JSONLimits: Sendable {
    /// The whole document.
    public var maxBytes: Int
    /// Arrays and objects inside one another.
    public var maxDepth: Int
    /// One string, in UTF-8 bytes after unescaping.
    public var maxStringBytes: Int
    /// One number literal.
    public var maxNumberLength: Int

    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 64, maxStringBytes: Int = 16 << 20, maxNumberLength: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
        self.maxNumberLength = maxNumberLength
    }
}
