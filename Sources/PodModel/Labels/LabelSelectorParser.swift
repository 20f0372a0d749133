/// apimachinery's selector grammar (`labels.Parse`), with its error messages word for word
/// so scripts and users meet what kubectl prints:
///
///     selector    ::= requirement ("," requirement)*
///     requirement ::= ["!"] KEY [ ("in"|"notin") "(" VALUE ("," VALUE)* ")" | ("="|"=="|"!="|">"|"<") VALUE ]
///
/// A missing value is the empty string (`a=`, `a in (x,)`).
struct LabelSelectorParser {
    struct Failure: Error {
        let message: String
    }

    /// Where `in` and `notin` are keywords: only where an operator may stand. Where a key
    /// or value stands they are identifiers (`in in (in)` is a valid requirement).
    private enum Context { case keyAndOperator, values }

    private let tokens: [SelectorToken]
    private var position = 0

    init(_ text: String) {
        var lexer = SelectorLexer(text)
        tokens = lexer.tokens()
    }

    private func lookahead(_ context: Context) -> SelectorToken {
        var token = tokens[position]
        if context == .values, token.kind == .in || token.kind == .notIn { token.kind = .identifier }
        return token
    }

    private mutating func consume(_ context: Context) -> SelectorToken {
        let token = lookahead(context)
        position += 1
        return token
    }

    mutating func parse() throws(Failure) -> [LabelSelector.Requirement] {
        var requirements: [LabelSelector.Requirement] = []
        while true {
            let token = lookahead(.values)
            switch token.kind {
            case .identifier, .not:
                do { requirements.append(try parseRequirement()) } catch {
                    throw Failure(message: "unable to parse requirement: " + error.message)
                }
                let after = consume(.values)
                switch after.kind {
                case .end: return requirements
                case .comma:
                    let next = lookahead(.values)
                    guard next.kind == .identifier || next.kind == .not else {
                        throw Failure(message: "found '\(next.literal)', expected: identifier after ','")
                    }
                default: throw Failure(message: "found '\(after.literal)', expected: ',' or 'end of string'")
                }
            case .end: return requirements
            default: throw Failure(message: "found '\(token.literal)', expected: !, identifier, or 'end of string'")
            }
        }
    }

    private mutating func parseRequirement() throws(Failure) -> LabelSelector.Requirement {
        let (key, inferred) = try parseKeyAndInferOperator()
        if let inferred { return try LabelSelectorRules.requirement(key, inferred, []) }
        let op = try parseOperator()
        let values = try (op == .in || op == .notIn ? parseValues() : parseExactValue())
        return try LabelSelectorRules.requirement(key, op, values.sorted())
    }

    /// `!KEY` is DoesNotExist; a KEY followed by `,` or the end is Exists; otherwise an
    /// operator follows (nil). Quirk kept from apimachinery: `!a=b` is `!a` and then fails on `=`.
    private mutating func parseKeyAndInferOperator() throws(Failure) -> (String, LabelSelector.Operator?) {
        var token = consume(.values)
        var op: LabelSelector.Operator?
        if token.kind == .not {
            op = .doesNotExist
            token = consume(.values)
        }
        guard token.kind == .identifier else { throw Failure(message: "found '\(token.literal)', expected: identifier") }
        if let problem = LabelSelectorRules.keyProblem(token.literal, path: "<nil>") { throw Failure(message: problem) }
        let next = lookahead(.values).kind
        if op == nil, next == .end || next == .comma { op = .exists }
        return (token.literal, op)
    }

    private mutating func parseOperator() throws(Failure) -> LabelSelector.Operator {
        let token = consume(.keyAndOperator)
        switch token.kind {
        case .in: return .in
        case .equals: return .equals
        case .doubleEquals: return .doubleEquals
        case .greaterThan: return .greaterThan
        case .lessThan: return .lessThan
        case .notIn: return .notIn
        case .notEquals: return .notEquals
        default: throw Failure(message: "found '\(token.literal)', expected: in, notin, =, ==, !=, gt, lt")
        }
    }

    /// `(x,y)`; `()` is the one empty value.
    private mutating func parseValues() throws(Failure) -> Set<String> {
        let open = consume(.values)
        guard open.kind == .openParen else { throw Failure(message: "found '\(open.literal)' expected: '('") }
        let first = lookahead(.values)
        switch first.kind {
        case .identifier, .comma:
            let values = try parseIdentifierList()
            guard consume(.values).kind == .closeParen else { throw Failure(message: "found '\(first.literal)', expected: ')'") }
            return values
        case .closeParen:
            position += 1
            return [""]
        default:
            throw Failure(message: "found '\(first.literal)', expected: ',', ')' or identifier")
        }
    }

    /// Comma-separated values up to (not including) `)`; an empty place is the empty value.
    private mutating func parseIdentifierList() throws(Failure) -> Set<String> {
        var values: Set<String> = []
        while true {
            let token = consume(.values)
            switch token.kind {
            case .identifier:
                values.insert(token.literal)
                let next = lookahead(.values)
                switch next.kind {
                case .comma: continue
                case .closeParen: return values
                default: throw Failure(message: "found '\(next.literal)', expected: ',' or ')'")
                }
            case .comma:
                if values.isEmpty { values.insert("") }
                let next = lookahead(.values).kind
                if next == .closeParen {
                    values.insert("")
                    return values
                }
                if next == .comma {
                    position += 1
                    values.insert("")
                }
            default:
                throw Failure(message: "found '\(token.literal)', expected: ',', or identifier")
            }
        }
    }

    private mutating func parseExactValue() throws(Failure) -> Set<String> {
        let next = lookahead(.values).kind
        if next == .end || next == .comma { return [""] }
        let token = consume(.values)
        guard token.kind == .identifier else { throw Failure(message: "found '\(token.literal)', expected: identifier") }
        return [token.literal]
    }
}
