import Foundation

/// Brackets: `[N]`, slices, `[*]`, unions, `['key']` and filters `[?(…)]`.
extension ActionParser {
    /// client-go's parseArray: everything up to `]`, then by its shape.
    mutating func parseArray() throws(SyntaxError) {
        let start = position
        while true {
            guard let character = next(), character != "\n" else { throw SyntaxError("unterminated array") }
            if character == "]" { break }
        }
        var text = String(String.UnicodeScalarView(input[start..<(position - 1)]))
        if text == "*" { text = ":" }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        if parts.count > 1 {
            var members: [Expression] = []
            for part in parts {
                members.append(try TemplateParser.expression("[\(part.trimmingCharacters(in: .whitespaces))]", depth: depth))
            }
            expression.steps.append(.union(members))
            return
        }
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'"), !text.dropFirst().dropLast().contains("'") {
            // client-go reads ['key'] as {.key}.
            expression.steps += try TemplateParser.expression(".\(text.dropFirst().dropLast())", depth: depth).steps
            return
        }
        expression.steps.append(.slice(try Self.slice(text)))
    }

    /// `^(-?\d*)(:-?\d*)?(:-?\d*)?$`, with client-go's defaults for missing parts.
    static func slice(_ text: String) throws(SyntaxError) -> Slice {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let shaped = parts.allSatisfy { part in
            let digits = part.hasPrefix("-") ? part.dropFirst() : part
            return digits.allSatisfy { ("0"..."9").contains($0) }
        }
        guard parts.count <= 3, shaped else { throw SyntaxError("invalid array index \(text)") }
        func number(_ part: Substring) throws(SyntaxError) -> Int? {
            guard !part.isEmpty else { return nil }
            // Bounded far below overflow: beyond any list's length either way.
            guard let value = Int(part) else { throw SyntaxError("array index \(part) is not a number") }
            return min(max(value, -(1 << 40)), 1 << 40)
        }
        var slice = Slice()
        slice.start = try number(parts[0])
        if parts.count > 1 {
            slice.end = try number(parts[1])
        } else {
            slice.end = (slice.start ?? 0) + 1
            slice.endDerived = true
        }
        if parts.count > 2 { slice.step = try number(parts[2]) }
        return slice
    }

    /// client-go's parseFilter: up to the `)` outside the (one) quoted literal, then `]`;
    /// `LEFT OP RIGHT` split as `^([^!<>=]+)([!<>=]+)(.+?)$`, else an existence test.
    mutating func parseFilter() throws(SyntaxError) {
        position += 3
        let start = position
        var quote: Unicode.Scalar?
        var opened = false, closed = false
        while true {
            guard let character = next(), character != "\n" else { throw SyntaxError("unterminated filter") }
            if character == "\"" || character == "'" {
                if !opened { opened = true; quote = character; continue }
                if character == quote, input[position - 2] != "\\" { closed = true }
            } else if character == ")", opened == closed {
                break
            }
        }
        guard next() == "]" else { throw SyntaxError("unclosed array expect ]") }
        let text = String(String.UnicodeScalarView(input[start..<(position - 2)]))
        expression.steps.append(.filter(try Self.filter(text, depth: depth)))
    }

    static func filter(_ text: String, depth: Int) throws(SyntaxError) -> Filter {
        let operators: Set<Character> = ["!", "<", ">", "="]
        let left = text.prefix { !operators.contains($0) }
        let operation = text.dropFirst(left.count).prefix { operators.contains($0) }
        let right = text.dropFirst(left.count + operation.count)
        guard !left.isEmpty, !operation.isEmpty, !right.isEmpty else {
            return Filter(left: try TemplateParser.expression(text, depth: depth), operation: "exists", right: Expression())
        }
        return Filter(
            left: try TemplateParser.expression(String(left), depth: depth), operation: String(operation),
            right: try TemplateParser.expression(String(right), depth: depth))
    }
}

/// Go's string escapes, which client-go's quoted literals take (`"\n"`, `'\t'`, `"\u00e9"`).
enum GoEscapes {
    static func unquote(_ body: ArraySlice<Unicode.Scalar>) -> String? {
        var out = String.UnicodeScalarView()
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            index += 1
            guard character == "\\" else { out.append(character); continue }
            guard index < body.endIndex else { return nil }
            let escaped = body[index]
            index += 1
            switch escaped {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "\\", "\"", "'": out.append(escaped)
            case "x", "u", "U":
                let width = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
                guard index + width <= body.endIndex,
                      let value = UInt32(String(String.UnicodeScalarView(body[index..<(index + width)])), radix: 16),
                      let scalar = Unicode.Scalar(value) else { return nil }
                out.append(scalar)
                index += width
            default: return nil
            }
        }
        return String(out)
    }
}
