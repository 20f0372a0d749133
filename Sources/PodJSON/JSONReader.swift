import PodCore

/// A bounded JSON reader (RFC 8259): UTF-8 checked, every escape decoded (surrogate
/// pairs joined, lone surrogates refused), raw control characters in strings refused,
/// duplicate object keys refused, size, depth, string and number lengths bounded.
/// Errors name the byte offset, so a damaged file can be found with a hex dump.
struct JSONReader {
    private let bytes: [UInt8]
    private let limits: JSONLimits
    private var index = 0

    static func parse(_ bytes: [UInt8], limits: JSONLimits) throws(PodError) -> JSONNode {
        guard bytes.count <= limits.maxBytes else {
            throw PodError(.invalidArgument, "the JSON document is \(bytes.count) bytes, more than the \(limits.maxBytes) allowed")
        }
        var reader = JSONReader(bytes: bytes, limits: limits)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == bytes.count else { throw reader.failure("text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8], limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    private func failure(_ what: String) -> PodError {
        PodError(.invalidArgument, "malformed JSON at byte \(index): \(what)")
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func value(depth: Int) throws(PodError) -> JSONNode {
        guard let byte = next else { throw failure("the document ends where a value should be") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("unexpected byte 0x\(String(byte, radix: 16))")
        }
    }

    private mutating func literal(_ word: String) throws(PodError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            throw failure("expected \(word)")
        }
        index += expected.count
    }

    private mutating func object(depth: Int) throws(PodError) -> JSONNode {
        guard depth <= limits.maxDepth else { throw failure("nested deeper than \(limits.maxDepth) levels") }
        index += 1
        var members: [String: JSONNode] = [:]
        skipSpace()
        if next == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipSpace()
            guard next == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
            let key = try string()
            skipSpace()
            guard next == UInt8(ascii: ":") else { throw failure("expected ':' after the member name") }
            index += 1
            skipSpace()
            let member = try value(depth: depth)
            guard members.updateValue(member, forKey: key) == nil else { throw failure("the member name \(quoted(key)) appears twice") }
            skipSpace()
            switch next {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws(PodError) -> JSONNode {
        guard depth <= limits.maxDepth else { throw failure("nested deeper than \(limits.maxDepth) levels") }
        index += 1
        var items: [JSONNode] = []
        skipSpace()
        if next == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth))
            skipSpace()
            switch next {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(items)
            default: throw failure("expected ',' or ']' in an array")
            }
        }
    }

    /// The number grammar of RFC 8259 section 6, checked here so the literal kept in the
    /// tree is one that Int64(_:), UInt64(_:) and Double(_:) read as JSON means it.
    private mutating func number() throws(PodError) -> String {
        let start = index
        func digits(_ reader: inout JSONReader) -> Int {
            let first = reader.index
            while let byte = reader.next, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { reader.index += 1 }
            return reader.index - first
        }
        if next == UInt8(ascii: "-") { index += 1 }
        if next == UInt8(ascii: "0") {
            index += 1
        } else if digits(&self) == 0 {
            throw failure("a number without digits")
        }
        if next == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw failure("a number with no digit after '.'") }
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            index += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { throw failure("a number with no digit in its exponent") }
        }
        guard index - start <= limits.maxNumberLength else {
            throw failure("a number literal longer than \(limits.maxNumberLength) characters")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func string() throws(PodError) -> String {
        index += 1
        var text: [UInt8] = []
        while true {
            guard let byte = next else { throw failure("the document ends inside a string") }
            guard text.count <= limits.maxStringBytes else { throw failure("a string longer than \(limits.maxStringBytes) bytes") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let decoded = String(validating: text, as: UTF8.self) else { throw failure("a string that is not valid UTF-8") }
                return decoded
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &text)
            case 0..<0x20:
                throw failure("a control character (0x\(String(byte, radix: 16))) inside a string must be escaped")
            default:
                text.append(byte)
                index += 1
            }
        }
    }

    private mutating func escape(into text: inout [UInt8]) throws(PodError) {
        guard let byte = next else { throw failure("the document ends inside an escape") }
        index += 1
        let simple: UInt8? = switch byte {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "/"): UInt8(ascii: "/")
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple { text.append(simple); return }
        guard byte == UInt8(ascii: "u") else { throw failure("an unknown escape \\\(Unicode.Scalar(byte))") }
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard next == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("a high surrogate \\u\(String(scalar, radix: 16)) without its low half")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("a high surrogate followed by \\u\(String(low, radix: 16))") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw failure("a low surrogate \\u\(String(scalar, radix: 16)) without its high half")
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw failure("\\u escape of no character") }
        text.append(contentsOf: UTF8.encode(unicode)!)
    }

    private mutating func hex4() throws(PodError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("the document ends inside a \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    private func quoted(_ text: String) -> String {
        String(decoding: JSONWriter.string(text), as: UTF8.self)
    }
}
