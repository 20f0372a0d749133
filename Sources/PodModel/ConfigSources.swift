import Foundation

/// The data of `podctl create configmap|secret generic` from its sources, as kubectl's
/// `create configmap` builds it (k8s.io/kubectl pkg/cmd/create, `handleConfigMapFrom*`):
/// `--from-literal=KEY=VALUE`, `--from-file=[KEY=]PATH` (the file's name is the key),
/// `--from-env-file=PATH` (`KEY=VALUE` lines). A key given twice is an error; keys are
/// then judged by `ConfigValidator` with the API server's rule. The caller reads files
/// (bounded by `ConfigValidator.maxSize`); this only decides, so it is tested without I/O.
public struct ConfigSources: Sendable {
    /// Text values (ConfigMap `data`; a Secret's are base64-encoded by `secretData`).
    public private(set) var text: [String: String] = [:]
    /// Values that are not UTF-8 (ConfigMap `binaryData`, base64).
    public private(set) var binary: [String: [UInt8]] = [:]

    public init() {}

    /// `KEY=VALUE`: split at the first `=`; the key must not be empty.
    public mutating func addLiteral(_ literal: String) throws(ConfigSourceError) {
        guard let equals = literal.firstIndex(of: "="), equals != literal.startIndex else {
            throw ConfigSourceError("--from-literal=\(literal): give KEY=VALUE (the key must not be empty)")
        }
        try add(String(literal[..<equals]), text: String(literal[literal.index(after: equals)...]))
    }

    /// `[KEY=]PATH`: the key given, or the file's name. Returns the path to read.
    public static func fileSource(_ argument: String) throws(ConfigSourceError) -> (key: String, path: String) {
        if let equals = argument.firstIndex(of: "=") {
            let key = String(argument[..<equals])
            let path = String(argument[argument.index(after: equals)...])
            guard !key.isEmpty, !path.isEmpty else { throw ConfigSourceError("--from-file=\(argument): give [KEY=]PATH (neither may be empty)") }
            return (key, path)
        }
        let name = argument.split(separator: "/").last.map(String.init) ?? ""
        guard !argument.isEmpty, !name.isEmpty else { throw ConfigSourceError("--from-file=\(argument): give a file, or KEY=PATH") }
        return (name, argument)
    }

    /// A file's content under `key`: text when it is UTF-8, else binary.
    public mutating func addFile(_ key: String, content: [UInt8]) throws(ConfigSourceError) {
        if let text = String(validating: content, as: UTF8.self) {
            try add(key, text: text)
        } else {
            try claim(key)
            binary[key] = content
        }
    }

    /// An env file (kubectl's `processEnvFileLine`): one `KEY=VALUE` a line; blank lines
    /// and `#` comments skipped; leading space of a line trimmed; a UTF-8 byte order mark
    /// at the start ignored; a line that is only a key takes the value from `environment`
    /// (skipped when it is not set there). Keys must be environment variable names.
    public mutating func addEnvFile(_ text: String, path: String, environment: [String: String]) throws(ConfigSourceError) {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // "\r\n" is one Character in Swift: both ends of line are named.
        for (number, raw) in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }.trimmingSuffix("\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            guard Names.isEnvVarName(key) else {
                throw ConfigSourceError("\(path) line \(number + 1): \(GoQuote.quoted(key)) is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit")
            }
            if parts.count == 2 {
                try add(key, text: String(parts[1]))
            } else if let value = environment[key] {
                try add(key, text: value)
            }
        }
    }

    private mutating func add(_ key: String, text value: String) throws(ConfigSourceError) {
        try claim(key)
        text[key] = value
    }

    private func claim(_ key: String) throws(ConfigSourceError) {
        if text[key] != nil || binary[key] != nil {
            throw ConfigSourceError("cannot add key \(GoQuote.quoted(key)), another key by that name already exists")
        }
    }

    /// The ConfigMap's `data` and `binaryData` (base64).
    public var configMapData: (data: [String: String], binaryData: [String: String]) {
        (text, binary.mapValues { Data($0).base64EncodedString() })
    }

    /// A Secret's `data`: every value base64, text or not.
    public var secretData: [String: String] {
        var data = text.mapValues { Data($0.utf8).base64EncodedString() }
        for (key, bytes) in binary { data[key] = Data(bytes).base64EncodedString() }
        return data
    }
}

public struct ConfigSourceError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self
    }
}
