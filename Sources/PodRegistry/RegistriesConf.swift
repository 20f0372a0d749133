import PodCore

/// One `[[registry]]` table of containers-registries.conf(5), version 2: where the images
/// under `prefix` are pulled from (`location`), which mirrors are tried first, and
/// whether each may be reached without TLS checks.
public struct RegistryEntry: Sendable, Equatable {
    public struct Mirror: Sendable, Equatable {
        public var location: String
        public var insecure: Bool

        public init(location: String, insecure: Bool = false) {
            self.location = location
            self.insecure = insecure
        }
    }

    /// `host[:port][/path]`, or `*.domain` (any subdomain); defaults to `location`.
    public var prefix: String
    public var location: String
    public var insecure: Bool
    /// A pull of a name under a blocked prefix is refused (containers-registries.conf(5)).
    public var blocked: Bool
    /// Mirrors are used for pulls by digest only: a tag on a mirror may be stale.
    public var mirrorByDigestOnly: Bool
    public var mirrors: [Mirror]

    public init(prefix: String, location: String, insecure: Bool = false, blocked: Bool = false, mirrorByDigestOnly: Bool = false, mirrors: [Mirror] = []) {
        self.prefix = prefix
        self.location = location
        self.insecure = insecure
        self.blocked = blocked
        self.mirrorByDigestOnly = mirrorByDigestOnly
        self.mirrors = mirrors
    }
}

/// The parser of `/etc/podctl/registries.conf` (docs/images.md, "Mirrors"): the subset of
/// TOML that containers-registries.conf(5) v2 uses. Top-level keys, `[[registry]]` and
/// `[[registry.mirror]]` tables, `key = value` with a basic or literal string, a boolean
/// or an array of strings; comments after `#`. Everything it does not know is an error
/// with the file and line, as is every value out of its bounds: the file is small and
/// written by hand, and a silently ignored mirror would send pulls somewhere unintended.
public enum RegistriesConf {
    static let maxBytes = 1 << 20
    static let maxLineLength = 4096
    static let maxRegistries = 1000
    static let maxMirrors = 64

    public static func parse(_ text: String, file: String) throws(PodError) -> [RegistryEntry] {
        guard text.utf8.count <= maxBytes else {
            throw PodError(.invalidArgument, "\(file) is larger than \(maxBytes >> 20) MiB; a registries.conf is a few lines")
        }
        var parser = Parser(file: file)
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try parser.line(raw, number: index + 1)
        }
        return try parser.finish()
    }

    /// The keys of each table; a key outside these is refused with its line.
    static let registryKeys: Set<String> = ["prefix", "location", "insecure", "blocked", "mirror-by-digest-only"]
    static let mirrorKeys: Set<String> = ["location", "insecure", "pull-from-mirror"]
    /// Top-level keys of registries.conf podctl accepts and does not use (it has no
    /// search list and no short-name aliases: docs/images.md, "Short names").
    static let ignoredTopLevelKeys: Set<String> = ["unqualified-search-registries", "short-name-mode", "credential-helpers"]

    enum Value: Equatable {
        case string(String)
        case boolean(Bool)
        case strings([String])
    }

    struct Parser {
        let file: String
        var entries: [RegistryEntry] = []
        /// Where keys go now: nil at the top level.
        var section: Section = .top
        var lineNumber = 0
        /// Per entry, whether `location` and `prefix` were given (defaults are resolved at the end).
        var locationLines: [Int] = []

        enum Section { case top, registry, mirror }

        init(file: String) { self.file = file }

        func fail(_ message: String) -> PodError {
            PodError(.invalidArgument, "\(file):\(lineNumber): \(message)")
        }

        mutating func line(_ raw: Substring, number: Int) throws(PodError) {
            lineNumber = number
            guard raw.utf8.count <= RegistriesConf.maxLineLength else {
                throw fail("the line is longer than \(RegistriesConf.maxLineLength) bytes")
            }
            let line = RegistriesConf.stripComment(raw).trimmingSpaceAndNewlines()
            if line.isEmpty { return }
            if line.hasPrefix("[") { return try header(line) }
            guard let equals = line.firstIndex(of: "=") else { throw fail("expected KEY = VALUE, found \"\(line)\"") }
            let key = line[..<equals].trimmingSpaceAndNewlines().trimmingQuotes()
            let value = try RegistriesConf.value(line[line.index(after: equals)...].trimmingSpaceAndNewlines(), fail: fail)
            try assign(key, value)
        }

        mutating func header(_ line: String) throws(PodError) {
            switch line.filter({ $0 != " " && $0 != "\t" }) {
            case "[[registry]]":
                guard entries.count < RegistriesConf.maxRegistries else { throw fail("more than \(RegistriesConf.maxRegistries) [[registry]] tables") }
                entries.append(RegistryEntry(prefix: "", location: ""))
                locationLines.append(lineNumber)
                section = .registry
            case "[[registry.mirror]]":
                guard !entries.isEmpty else { throw fail("[[registry.mirror]] before any [[registry]]") }
                guard entries[entries.count - 1].mirrors.count < RegistriesConf.maxMirrors else { throw fail("more than \(RegistriesConf.maxMirrors) mirrors for one registry") }
                entries[entries.count - 1].mirrors.append(.init(location: ""))
                section = .mirror
            default:
                throw fail("podctl reads [[registry]] and [[registry.mirror]] tables (containers-registries.conf v2), not \(line)")
            }
        }

        mutating func assign(_ key: String, _ value: Value) throws(PodError) {
            switch section {
            case .top:
                guard RegistriesConf.ignoredTopLevelKeys.contains(key) else {
                    throw fail("unknown key \"\(key)\" outside a [[registry]] table (the v1 [registries.*] form is not read: use [[registry]] tables)")
                }
            case .registry:
                guard RegistriesConf.registryKeys.contains(key) else { throw fail("unknown key \"\(key)\" in [[registry]]; known: \(RegistriesConf.registryKeys.sorted().joined(separator: ", "))") }
                var entry = entries[entries.count - 1]
                switch key {
                case "prefix": entry.prefix = try string(key, value)
                case "location": entry.location = try string(key, value)
                case "insecure": entry.insecure = try boolean(key, value)
                case "blocked": entry.blocked = try boolean(key, value)
                default: entry.mirrorByDigestOnly = try boolean(key, value)
                }
                entries[entries.count - 1] = entry
            case .mirror:
                guard RegistriesConf.mirrorKeys.contains(key) else { throw fail("unknown key \"\(key)\" in [[registry.mirror]]; known: \(RegistriesConf.mirrorKeys.sorted().joined(separator: ", "))") }
                var mirror = entries[entries.count - 1].mirrors.removeLast()
                switch key {
                case "location": mirror.location = try string(key, value)
                case "insecure": mirror.insecure = try boolean(key, value)
                default:
                    // podman's per-mirror "digest-only"/"tag-only"/"all"; podctl honours the table's mirror-by-digest-only.
                    guard case let .string(mode) = value, ["all", "digest-only", "tag-only"].contains(mode) else { throw fail("pull-from-mirror must be \"all\", \"digest-only\" or \"tag-only\"") }
                }
                entries[entries.count - 1].mirrors.append(mirror)
            }
        }

        func string(_ key: String, _ value: Value) throws(PodError) -> String {
            guard case let .string(text) = value else { throw fail("\(key) must be a quoted string") }
            guard text.utf8.count <= 255, !text.contains(where: { $0.isWhitespace || $0 == "@" }) else {
                throw fail("\(key) must be host[:port][/path] of at most 255 characters, not \"\(text)\"")
            }
            return text
        }

        func boolean(_ key: String, _ value: Value) throws(PodError) -> Bool {
            guard case let .boolean(flag) = value else { throw fail("\(key) must be true or false") }
            return flag
        }

        /// Defaults and checks that need the whole table: `prefix` defaults to `location`,
        /// and a table needs one of them; a mirror needs a location.
        func finish() throws(PodError) -> [RegistryEntry] {
            var result: [RegistryEntry] = []
            for (index, var entry) in entries.enumerated() {
                let at = "\(file):\(locationLines[index])"
                if entry.prefix.hasPrefix("*.") && !entry.location.isEmpty {
                    throw PodError(.invalidArgument, "\(at): a wildcard prefix (\(entry.prefix)) takes no location: the name's own registry is the location (containers-registries.conf(5))")
                }
                if entry.prefix.isEmpty { entry.prefix = entry.location }
                if entry.location.isEmpty && !entry.prefix.hasPrefix("*.") { entry.location = entry.prefix }
                guard !entry.prefix.isEmpty else { throw PodError(.invalidArgument, "\(at): a [[registry]] table needs a location or a prefix") }
                guard !entry.mirrors.contains(where: { $0.location.isEmpty }) else {
                    throw PodError(.invalidArgument, "\(at): a [[registry.mirror]] of \(entry.prefix) has no location")
                }
                result.append(entry)
            }
            return result
        }
    }

    /// The line up to a `#` that is outside a string.
    static func stripComment(_ line: Substring) -> Substring {
        var quote: Character?
        var escaped = false
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" && open == "\"" { escaped = true } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                return line[..<index]
            }
        }
        return line
    }

    /// A value: `"basic"` (escapes \" \\ \t \n), `'literal'`, true/false, or `["a", "b"]`.
    static func value(_ text: String, fail: (String) -> PodError) throws(PodError) -> Value {
        if text == "true" || text == "false" { return .boolean(text == "true") }
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { throw fail("an array must close on its line with ]") }
            let inner = text.dropFirst().dropLast().trimmingSpaceAndNewlines()
            if inner.isEmpty { return .strings([]) }
            var parts = inner.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaceAndNewlines() }
            if parts.count > 1 && parts.last == "" { parts.removeLast() }  // TOML allows a trailing comma
            var items: [String] = []
            for part in parts {
                guard part.hasPrefix("\"") || part.hasPrefix("'") else { throw fail("an array holds quoted strings only") }
                items.append(try quoted(part, fail: fail))
            }
            return .strings(items)
        }
        return .string(try quoted(text, fail: fail))
    }

    static func quoted(_ text: String, fail: (String) -> PodError) throws(PodError) -> String {
        guard text.count >= 2, let open = text.first, open == "\"" || open == "'", text.last == open else {
            throw fail("expected a quoted string, true, false or [\"…\"], found \(text)")
        }
        let body = text.dropFirst().dropLast()
        if open == "'" {
            guard !body.contains("'") else { throw fail("a literal string cannot hold '") }
            return String(body)
        }
        var result = ""
        var escaped = false
        for character in body {
            if escaped {
                switch character {
                case "\"", "\\": result.append(character)
                case "t": result.append("\t")
                case "n": result.append("\n")
                default: throw fail("unknown escape \\\(character) in a string")
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                throw fail("a string ends before the end of its value")
            } else if character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
                throw fail("a control character in a string")
            } else {
                result.append(character)
            }
        }
        guard !escaped else { throw fail("a string ends with a lone backslash") }
        return result
    }
}
