/// The template level of kubectl's jsonpath grammar: text outside braces, one action
/// inside each `{…}`, and `{range}`/`{end}` folded into blocks.
enum TemplateParser {
    static func parse(_ input: [Unicode.Scalar], depth: Int) throws(SyntaxError) -> [TemplateNode] {
        guard depth <= JSONPathTemplate.maximumDepth else {
            throw SyntaxError("nested more than \(JSONPathTemplate.maximumDepth) levels deep")
        }
        // Open blocks: the range's expression and the nodes gathered so far.
        var stack: [(range: Expression?, nodes: [TemplateNode])] = [(nil, [])]
        var position = 0
        while position < input.count {
            let open = input[position...].firstIndex(of: "{") ?? input.count
            if open > position { stack[stack.count - 1].nodes.append(.text(String(String.UnicodeScalarView(input[position..<open])))) }
            guard open < input.count else { break }
            var parser = ActionParser(input: input, position: open + 1, depth: depth)
            let action = try parser.parse()
            position = parser.position
            switch action.keyword {
            case "range":
                guard stack.count <= JSONPathTemplate.maximumDepth else {
                    throw SyntaxError("ranges nested more than \(JSONPathTemplate.maximumDepth) levels deep")
                }
                stack.append((action.expression, []))
            case "end":
                // client-go reports this when it executes; the template is wrong either way.
                guard stack.count > 1, let block = stack.popLast(), let range = block.range else {
                    throw SyntaxError("not in range, nothing to end")
                }
                stack[stack.count - 1].nodes.append(.range(range, body: block.nodes))
            default:
                stack[stack.count - 1].nodes.append(.action(action.expression))
            }
        }
        // A range without {end} runs to the end of the template, as in client-go.
        while stack.count > 1, let block = stack.popLast(), let range = block.range {
            stack[stack.count - 1].nodes.append(.range(range, body: block.nodes))
        }
        return stack[0].nodes
    }

    /// A part of an action (a filter's side, a union's member) parsed as the action
    /// `{TEXT}`, as client-go's parseAction does.
    static func expression(_ text: String, depth: Int) throws(SyntaxError) -> Expression {
        let nodes = try parse(Array("{\(text)}".unicodeScalars), depth: depth + 1)
        var steps: [Step] = []
        for case let .action(expression) in nodes { steps += expression.steps }
        return Expression(steps: steps)
    }
}

/// One action, from after its `{` to after its `}` (client-go's parseInsideAction).
struct ActionParser {
    let input: [Unicode.Scalar]
    var position: Int
    let depth: Int
    var expression = Expression()
    var keyword: String?

    init(input: [Unicode.Scalar], position: Int, depth: Int) {
        self.input = input
        self.position = position
        self.depth = depth
    }

    mutating func parse() throws(SyntaxError) -> (expression: Expression, keyword: String?) {
        while true {
            if has("}") { position += 1; return (expression, keyword) }
            if has("[?(") { try parseFilter(); continue }
            if has("..") {
                position += 2
                expression.steps.append(.recursive)
                if let next = peek(), Self.isAlphaNumeric(next) { parseField() }
                continue
            }
            guard let character = next(), character != "\n", character != "\r" else { throw SyntaxError("unclosed action") }
            switch character {
            case " ", "@", "$": continue  // the current object: nothing to do
            case "[": try parseArray()
            case "\"", "'": try parseQuote(character)
            case ".": parseField()
            case "+", "-", "0"..."9": position -= 1; try parseNumber()
            default:
                guard Self.isAlphaNumeric(character) else {
                    throw SyntaxError("unrecognized character in action: " + Self.goRune(character))
                }
                position -= 1
                try parseIdentifier()
            }
        }
    }

    func has(_ prefix: String) -> Bool {
        var index = position
        for scalar in prefix.unicodeScalars {
            guard index < input.count, input[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    func peek() -> Unicode.Scalar? { position < input.count ? input[position] : nil }

    mutating func next() -> Unicode.Scalar? {
        guard position < input.count else { return nil }
        position += 1
        return input[position - 1]
    }

    /// `.name` up to a terminator, `\` escaping the next character (`kubernetes\.io/role`).
    mutating func parseField() {
        var name = String.UnicodeScalarView()
        while let character = peek(), !Self.isTerminator(character) {
            position += 1
            if character == "\\", let escaped = next() { name.append(escaped) } else { name.append(character) }
        }
        let field = String(name)
        expression.steps.append(field == "*" ? .wildcard : .field(field))
    }

    /// `range`, `end`, `true`, `false`; any other word is an error.
    mutating func parseIdentifier() throws(SyntaxError) {
        let start = position
        while let character = peek(), !Self.isTerminator(character) { position += 1 }
        let word = String(String.UnicodeScalarView(input[start..<position]))
        switch word {
        case "true", "false": expression.steps.append(.literal(.bool(word == "true")))
        case "range" where expression.steps.isEmpty && keyword == nil, "end" where expression.steps.isEmpty && keyword == nil:
            keyword = word
        default: throw SyntaxError("unrecognized identifier \(word)")
        }
    }

    mutating func parseNumber() throws(SyntaxError) {
        let start = position
        if let sign = peek(), sign == "+" || sign == "-" { position += 1 }
        while let character = peek(), character == "." || ("0"..."9").contains(character) { position += 1 }
        let text = String(String.UnicodeScalarView(input[start..<position]))
        if let integer = Int64(text) {
            expression.steps.append(.literal(.integer(integer)))
        } else if let number = Double(text), number.isFinite {
            expression.steps.append(.literal(.number(number)))
        } else {
            throw SyntaxError("cannot parse number \(text)")
        }
    }

    /// `"…"` or `'…'` with Go's escapes (`{"\n"}`, `{'\t'}`).
    mutating func parseQuote(_ quote: Unicode.Scalar) throws(SyntaxError) {
        let start = position - 1
        while true {
            guard let character = next(), character != "\n" else { throw SyntaxError("unterminated quoted string") }
            if character == "\\" {
                guard let escaped = next(), escaped != "\n" else { throw SyntaxError("unterminated quoted string") }
                continue
            }
            if character == quote { break }
        }
        let raw = String(String.UnicodeScalarView(input[start..<position]))
        guard let value = GoEscapes.unquote(input[(start + 1)..<(position - 1)]) else {
            throw SyntaxError("unquote string \(raw) error invalid syntax")
        }
        expression.steps.append(.literal(.string(value)))
    }

    /// client-go's isTerminator.
    static func isTerminator(_ character: Unicode.Scalar) -> Bool {
        switch character {
        case " ", "\t", "\r", "\n", ".", ",", "[", "]", "$", "@", "{", "}": return true
        default: return false
        }
    }

    static func isAlphaNumeric(_ character: Unicode.Scalar) -> Bool {
        character == "_" || character.properties.isAlphabetic || character.properties.numericType == .decimal
    }

    /// Go's `%#U`: `U+0021 '!'`.
    static func goRune(_ character: Unicode.Scalar) -> String {
        let hex = String(character.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return character.properties.isWhitespace || character.value < 0x20 ? code : "\(code) '\(character)'"
    }
}
