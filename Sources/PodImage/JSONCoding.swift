import Foundation
import PodCore
import PodOS

/// JSON in and out of the store, with errors that name the file or blob.
enum JSONCoding {
    /// Sorted keys: the same value always gives the same bytes, so a manifest podctl
    /// writes twice gets one digest.
    static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws(PodError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(value)) } catch {
            throw PodError(.internal, "cannot encode \(T.self) as JSON", cause: .text("\(error)"))
        }
    }

    /// Decodes a document of an archive or layout: a failure is the input's fault.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws(PodError) -> T {
        do { return try JSONDecoder().decode(type, from: Data(bytes)) } catch {
            throw PodError(.invalidArgument, "\(what) is not valid: \(describe(error))")
        }
    }

    /// Decodes a record of the store: a failure means damaged state.
    static func decodeState<T: Decodable>(_ type: T.Type, path: String) throws(PodError) -> T {
        let bytes = try Files.read(path)
        do { return try JSONDecoder().decode(type, from: Data(bytes)) } catch {
            throw PodError(.corruptState, "the image store file \(path) is damaged and cannot be read; remove the image (podctl image rm --force) and load it again",
                           cause: .text(describe(error)))
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case let DecodingError.dataCorrupted(context): return path(context) + context.debugDescription
        case let DecodingError.keyNotFound(key, context): return path(context) + "the field \"\(key.stringValue)\" is missing"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return path(context) + context.debugDescription
        default: return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return path.isEmpty ? "" : "at \(path): "
    }
}

/// RFC 3339 timestamps, as image configs carry them.
enum Timestamp {
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
