/// `Decoder` over `JSONNode`, for the synthesized `Codable` conformances. Integers are
/// read from the number's text: exactly, or refused when out of range; a number written
/// as `1.0` or `1e3` is accepted for an integer when it is one exactly (as Foundation's).
struct JSONTreeDecoder: Decoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .object(members) = node else { throw Self.mismatch([String: Any].self, node, codingPath) }
        return KeyedDecodingContainer(KeyedReader(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case let .array(items) = node else { throw Self.mismatch([Any].self, node, codingPath) }
        return UnkeyedReader(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(node: node, codingPath: codingPath) }

    static func decode<T: Decodable>(_ type: T.Type, from node: JSONNode, at path: [any CodingKey]) throws -> T {
        if let primitive = try primitive(type, from: node, at: path) { return primitive }
        return try T(from: JSONTreeDecoder(node: node, codingPath: path))
    }

    /// The standard library's scalar types, read straight from the tree; nil for any other type.
    static func primitive<T>(_ type: T.Type, from node: JSONNode, at path: [any CodingKey]) throws -> T? {
        switch type {
        case is String.Type:
            guard case let .string(text) = node else { throw mismatch(type, node, path) }
            return text as? T
        case is Bool.Type:
            guard case let .bool(flag) = node else { throw mismatch(type, node, path) }
            return flag as? T
        case is Double.Type: return try real(node, at: path) as? T
        case is Float.Type: return Float(try real(node, at: path)) as? T
        case is Int.Type: return try integer(Int.self, node, at: path) as? T
        case is Int8.Type: return try integer(Int8.self, node, at: path) as? T
        case is Int16.Type: return try integer(Int16.self, node, at: path) as? T
        case is Int32.Type: return try integer(Int32.self, node, at: path) as? T
        case is Int64.Type: return try integer(Int64.self, node, at: path) as? T
        case is UInt.Type: return try integer(UInt.self, node, at: path) as? T
        case is UInt8.Type: return try integer(UInt8.self, node, at: path) as? T
        case is UInt16.Type: return try integer(UInt16.self, node, at: path) as? T
        case is UInt32.Type: return try integer(UInt32.self, node, at: path) as? T
        case is UInt64.Type: return try integer(UInt64.self, node, at: path) as? T
        default: return nil
        }
    }

    static func real(_ node: JSONNode, at path: [any CodingKey]) throws -> Double {
        guard case let .number(text) = node else { throw mismatch(Double.self, node, path) }
        guard let value = Double(text), value.isFinite else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "the number \(text) does not fit a Double"))
        }
        return value
    }

    static func integer<I: FixedWidthInteger>(_ type: I.Type, _ node: JSONNode, at path: [any CodingKey]) throws -> I {
        guard case let .number(text) = node else { throw mismatch(type, node, path) }
        if let exact = I(text, radix: 10) { return exact }
        // An integral value written with a fraction or exponent; only where a Double
        // holds it exactly (below 2^53), so no digit is guessed.
        if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let real = Double(text),
           real.rounded() == real, abs(real) < 9_007_199_254_740_992, let value = I(exactly: real) {
            return value
        }
        throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "the number \(text) is not an \(I.self)"))
    }

    static func mismatch(_ type: Any.Type, _ node: JSONNode, _ path: [any CodingKey]) -> DecodingError {
        if node == .null {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "expected \(type), found null"))
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(type), found \(node.kindName)"))
    }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONNode]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONNode {
        guard let node = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no member \(key.stringValue)"))
        }
        return node
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key) == .null }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONTreeDecoder.decode(type, from: member(key), at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONTreeDecoder(node: member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONTreeDecoder(node: member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONTreeDecoder(node: members["super"] ?? .null, codingPath: codingPath + [IndexKey.superKey])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONTreeDecoder(node: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
    let items: [JSONNode]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private func current<T>(_ type: T.Type) throws -> JSONNode {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "the array ends at \(items.count) elements"))
        }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard try current(Never.self) == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try JSONTreeDecoder.decode(type, from: current(type), at: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let decoder = JSONTreeDecoder(node: try current(type), codingPath: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return try decoder.container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let decoder = JSONTreeDecoder(node: try current([Any].self), codingPath: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return try decoder.unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = JSONTreeDecoder(node: try current(Any.self), codingPath: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return decoder
    }
}

private struct SingleReader: SingleValueDecodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { node == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONTreeDecoder.decode(type, from: node, at: codingPath)
    }
}
