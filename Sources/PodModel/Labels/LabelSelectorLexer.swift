/// The tokens of apimachinery's selector lexer (`labels.Lexer`): whitespace separates,
/// `= ! ( ) , > <` are operator characters, anything else runs into an identifier, and
/// the identifiers `in` and `notin` are keywords (where a key or operator is expected).
struct SelectorToken: Equatable {
    enum Kind: Equatable {
        case error, end, closeParen, comma, not, doubleEquals, equals, greaterThan
        case identifier, `in`, lessThan, notEquals, notIn, openParen
    }

    var kind: Kind
    /// What was read; the error messages quote it (`found 'x', …`).
    var literal: String

    static let fixed: [String: Kind] = [
        ")": .closeParen, ",": .comma, "!": .not, "==": .doubleEquals, "=": .equals, ">": .greaterThan,
        "in": .in, "<": .lessThan, "!=": .notEquals, "notin": .notIn, "(": .openParen,
    ]
}

struct SelectorLexer {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 13 || byte == 10 }

    static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: ">"), UInt8(ascii: "<"): return true
        default: return false
        }
    }

    /// Every token up to and including the end.
    mutating func tokens() -> [SelectorToken] {
        var tokens: [SelectorToken] = []
        while true {
            let token = next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private mutating func next() -> SelectorToken {
        while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
        guard position < bytes.count else { return SelectorToken(kind: .end, literal: "") }
        return Self.isSpecial(bytes[position]) ? special() : identifierOrKeyword()
    }

    private mutating func identifierOrKeyword() -> SelectorToken {
        let start = position
        while position < bytes.count, !Self.isSpecial(bytes[position]), !Self.isWhitespace(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        return SelectorToken(kind: SelectorToken.fixed[text] ?? .identifier, literal: text)
    }

    /// The longest run of operator characters that is a token (`!=` rather than `!`), as
    /// apimachinery's scanSpecialSymbol reads it.
    private mutating func special() -> SelectorToken {
        var buffer: [UInt8] = []
        var last: SelectorToken?
        while position < bytes.count, Self.isSpecial(bytes[position]) {
            buffer.append(bytes[position])
            let text = String(decoding: buffer, as: UTF8.self)
            if let kind = SelectorToken.fixed[text] {
                last = SelectorToken(kind: kind, literal: text)
            } else if last != nil {
                break
            }
            position += 1
        }
        return last ?? SelectorToken(kind: .error, literal: "error expected: keyword found '\(String(decoding: buffer, as: UTF8.self))'")
    }
}
