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
        FieldError(path: path, kind: .invalid, value: "\"\(printable(value))\"", detail: detail)
    }

    /// The one rule for NUL (#14): no manifest string may hold one. Every string becomes a
    /// C string somewhere — an execve argument or environment entry, a path, a name in a
    /// file — where a NUL cuts it short or, spliced into an in-band format, forges what
    /// follows. The API server takes them; runc then fails the exec with EINVAL (Go's
    /// syscall.BytePtrFromString refuses NUL); podctl refuses before anything runs.
    public static func nulByte(_ path: FieldPath, _ value: String) -> FieldError {
        .invalid(path, quoting: value, "must not contain a NUL byte (\\x00): no command, argument, environment variable, path or name can carry one; remove it (binary content belongs in a ConfigMap's binaryData or a Secret's data, mounted as a file)")
    }

    /// `text` with control characters escaped as Go's %q does (`\n`, `\x00`), so a
    /// hostile value cannot rewrite the terminal that shows the error.
    public static func printable(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let digits = Array("0123456789abcdef")
                result += "\\x" + String(digits[Int(scalar.value >> 4)]) + String(digits[Int(scalar.value & 0xf)])
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
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
