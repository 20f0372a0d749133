import Yams

/// The tag YAML 1.1 gives a plain scalar with no tag of its own, as Yams' default
/// resolver gives it (bool, int, float, merge, null, timestamp, value, in that order;
/// str otherwise), without its regular expressions: `Resolver.default` compiles seven
/// ICU patterns on first use, 1.3 to 1.5 ms of every podctl-cli run that reads a manifest
/// (perf, D88). The manifest is composed with `Resolver.basic` and plain scalars are
/// tagged here. Every pattern is ASCII, so a non-ASCII byte matches none.
/// `YAMLScalarTagTests` checks this against `Resolver.default` over generated strings.
enum YAMLScalarTag {
    static func name(of text: String) -> Tag.Name {
        let bytes = Array(text.utf8)
        if isBool(text) { return .bool }
        if isInt(bytes[...]) { return .int }
        if isFloat(bytes[...]) { return .float }
        if text == "<<" { return .merge }
        if text == "~" || text == "null" || text == "Null" || text == "NULL" || text.isEmpty { return .null }
        if isTimestamp(bytes[...]) { return .timestamp }
        if text == "=" { return .value }
        return .str
    }

    static func isBool(_ text: String) -> Bool {
        switch text {
        case "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
             "on", "On", "ON", "off", "Off", "OFF": true
        default: false
        }
    }

    /// `[-+]?` then binary `0b[01_]+`, octal `0o?[0-7_]+`, decimal `0|[1-9][0-9_]*`, hex
    /// `0x[0-9a-fA-F_]+`, or sexagesimal `[1-9][0-9_]*(:[0-5]?[0-9])+`.
    static func isInt(_ whole: ArraySlice<UInt8>) -> Bool {
        let s = unsigned(whole)
        if s.starts(with: Array("0b".utf8)) { return s.count > 2 && s.dropFirst(2).allSatisfy { $0 == 0x30 || $0 == 0x31 || $0 == 0x5F } }
        if s.starts(with: Array("0x".utf8)) { return s.count > 2 && s.dropFirst(2).allSatisfy { isHex($0) || $0 == 0x5F } }
        if s.first == 0x30 {
            let rest = s.dropFirst().first == UInt8(ascii: "o") ? s.dropFirst(2) : s.dropFirst()
            if s.count == 1 { return true }
            return !rest.isEmpty && rest.allSatisfy { (0x30...0x37).contains($0) || $0 == 0x5F }
        }
        guard let first = s.first, (0x31...0x39).contains(first) else { return false }
        let head = s.prefix { isDigit($0) || $0 == 0x5F }
        let tail = s[head.endIndex...]
        return tail.isEmpty || isSexagesimalTail(tail)
    }

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?`, `\.[0-9_]+([eE][-+][0-9]+)?`,
    /// `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*`, `[-+]?\.(inf|Inf|INF)`, `\.(nan|NaN|NAN)`.
    static func isFloat(_ whole: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: whole, as: UTF8.self)
        if text == ".nan" || text == ".NaN" || text == ".NAN" { return true }
        let s = unsigned(whole)
        let word = String(decoding: s, as: UTF8.self)
        if word == ".inf" || word == ".Inf" || word == ".INF" { return true }
        if whole.first == UInt8(ascii: ".") {
            // The sign-less form with a leading dot: its exponent's sign is required.
            let digits = whole.dropFirst().prefix { isDigit($0) || $0 == 0x5F }
            guard !digits.isEmpty else { return false }
            let rest = whole[digits.endIndex...]
            return rest.isEmpty || isExponent(rest, signRequired: true)
        }
        guard let first = s.first, isDigit(first) else { return false }
        let head = s.prefix { isDigit($0) || $0 == 0x5F }
        var rest = s[head.endIndex...]
        if rest.first == UInt8(ascii: ":") {
            // Sexagesimal with a fraction: the dot is required.
            guard let dot = rest.firstIndex(of: UInt8(ascii: ".")), isSexagesimalTail(rest[..<dot]) else { return false }
            return rest[(dot + 1)...].allSatisfy { isDigit($0) || $0 == 0x5F }
        }
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst().drop { isDigit($0) || $0 == 0x5F }
        }
        return rest.isEmpty || isExponent(rest, signRequired: false)
    }

    /// `[0-9]{4}-[0-9]{2}-[0-9]{2}`, or `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}`, `T`, `t` or
    /// blanks, `[0-9]{1,2}:[0-9]{2}:[0-9]{2}`, a fraction, and blanks then `Z` or an offset.
    static func isTimestamp(_ s: ArraySlice<UInt8>) -> Bool {
        var cursor = s
        guard take(&cursor, digits: 4...4), take(&cursor, UInt8(ascii: "-")) else { return false }
        let dateOnly = s.count == 10 && isDigitRun(s.dropFirst(5).prefix(2)) && s[s.startIndex + 7] == UInt8(ascii: "-") && isDigitRun(s.suffix(2))
        if dateOnly { return true }
        guard take(&cursor, digits: 1...2), take(&cursor, UInt8(ascii: "-")), take(&cursor, digits: 1...2) else { return false }
        if cursor.first == UInt8(ascii: "T") || cursor.first == UInt8(ascii: "t") {
            cursor = cursor.dropFirst()
        } else {
            let blanks = cursor.prefix { $0 == 0x20 || $0 == 0x09 }
            guard !blanks.isEmpty else { return false }
            cursor = cursor[blanks.endIndex...]
        }
        guard take(&cursor, digits: 1...2), take(&cursor, UInt8(ascii: ":")), take(&cursor, digits: 2...2),
              take(&cursor, UInt8(ascii: ":")), take(&cursor, digits: 2...2) else { return false }
        if cursor.first == UInt8(ascii: ".") { cursor = cursor.dropFirst().drop(while: isDigit) }
        cursor = cursor.drop { $0 == 0x20 || $0 == 0x09 }
        if cursor.isEmpty {
            // Blanks with no zone after them do not match: the zone group holds the blanks.
            return s.last != 0x20 && s.last != 0x09
        }
        if cursor == [UInt8(ascii: "Z")] { return true }
        guard cursor.first == UInt8(ascii: "+") || cursor.first == UInt8(ascii: "-") else { return false }
        cursor = cursor.dropFirst()
        guard take(&cursor, digits: 1...2) else { return false }
        if cursor.isEmpty { return true }
        return take(&cursor, UInt8(ascii: ":")) && take(&cursor, digits: 2...2) && cursor.isEmpty
    }

    // MARK: - Pieces

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    private static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) }
    private static func isDigitRun(_ s: ArraySlice<UInt8>) -> Bool { !s.isEmpty && s.allSatisfy(isDigit) }

    private static func unsigned(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        s.first == UInt8(ascii: "-") || s.first == UInt8(ascii: "+") ? s.dropFirst() : s
    }

    /// `(:[0-5]?[0-9])+`, the whole of `s`.
    private static func isSexagesimalTail(_ s: ArraySlice<UInt8>) -> Bool {
        var cursor = s
        guard !cursor.isEmpty else { return false }
        while !cursor.isEmpty {
            guard take(&cursor, UInt8(ascii: ":")) else { return false }
            let digits = cursor.prefix(while: isDigit)
            switch digits.count {
            case 1: break
            case 2: guard (0x30...0x35).contains(digits.first!) else { return false }
            default: return false
            }
            cursor = cursor[digits.endIndex...]
        }
        return true
    }

    /// `[eE][-+]?[0-9]+` (or with the sign required), the whole of `s`.
    private static func isExponent(_ s: ArraySlice<UInt8>, signRequired: Bool) -> Bool {
        guard s.first == UInt8(ascii: "e") || s.first == UInt8(ascii: "E") else { return false }
        var rest = s.dropFirst()
        if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() } else if signRequired { return false }
        return isDigitRun(rest)
    }

    private static func take(_ cursor: inout ArraySlice<UInt8>, _ byte: UInt8) -> Bool {
        guard cursor.first == byte else { return false }
        cursor = cursor.dropFirst()
        return true
    }

    private static func take(_ cursor: inout ArraySlice<UInt8>, digits range: ClosedRange<Int>) -> Bool {
        let digits = cursor.prefix(range.upperBound).prefix(while: isDigit)
        guard range.contains(digits.count) else { return false }
        cursor = cursor[digits.endIndex...]
        return true
    }
}
