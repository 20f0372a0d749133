/// One problem with one field, worded as the Kubernetes API server words it
/// (`k8s.io/apimachinery/pkg/util/validation/field`), so a message from podctl reads
/// like one from `kubectl apply`.
public struct FieldError: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case required = "Required value"
        case invalid = "Invalid value"
        case duplicate = "Duplicate value"
        case notFound = "Not found"
        case unsupported = "Unsupported value"
        case forbidden = "Forbidden"
        case tooLong = "Too long"
        case tooMany = "Too many"
    }

    public var path: FieldPath
    public var kind: Kind
    /// The offending value as printed (`70000`, `"Foo"`), if the kind shows one.
    public var value: String?
    public var detail: String?

    public var description: String {
        var text = "\(path): \(kind.rawValue)"
        if let value { text += ": \(value)" }
        if let detail, !detail.isEmpty { text += ": \(detail)" }
        return text
    }

    public static func required(_ path: FieldPath, _ detail: String? = nil) -> FieldError {
        FieldError(path: path, kind: .required, value: nil, detail: detail)
    }

    public static func invalid(_ path: FieldPath, _ value: String, _ detail: String) -> FieldError {
        FieldError(path: path, kind: .invalid, value: value, detail: detail)
    }

    public static func invalid(_ path: FieldPath, _ value: some BinaryInteger, _ detail: String) -> FieldError {
        FieldError(path: path, kind: .invalid, value: String(value), detail: detail)
    }

    public static func invalid(_ path: FieldPath, quoting value: String, _ detail: String) -> FieldError {
        FieldError(path: path, kind: .invalid, value: "\"\(value)\"", detail: detail)
    }

    public static func duplicate(_ path: FieldPath, _ value: String) -> FieldError {
        FieldError(path: path, kind: .duplicate, value: "\"\(value)\"", detail: nil)
    }

    public static func notFound(_ path: FieldPath, _ value: String) -> FieldError {
        FieldError(path: path, kind: .notFound, value: "\"\(value)\"", detail: nil)
    }

    public static func unsupported(_ path: FieldPath, _ value: String, supported: [String]) -> FieldError {
        let list = supported.map { "\"\($0)\"" }.joined(separator: ", ")
        return FieldError(path: path, kind: .unsupported, value: "\"\(value)\"", detail: "supported values: \(list)")
    }

    public static func forbidden(_ path: FieldPath, _ detail: String) -> FieldError {
        FieldError(path: path, kind: .forbidden, value: nil, detail: detail)
    }

    public static func tooLong(_ path: FieldPath, _ limit: Int) -> FieldError {
        FieldError(path: path, kind: .tooLong, value: nil, detail: "may not be more than \(limit) bytes")
    }

    public static func tooMany(_ path: FieldPath, _ count: Int, limit: Int) -> FieldError {
        FieldError(path: path, kind: .tooMany, value: String(count), detail: "must have at most \(limit) items")
    }
}
