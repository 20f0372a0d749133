/// `Encoder` over `JSONNode`: the synthesized `Codable` conformances of the run plan,
/// the status records and the control messages encode through it unchanged. Objects and
/// arrays are built in reference boxes while the containers fill them, then frozen.
final class JSONTreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    fileprivate var root: Slot?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    /// What was encoded; an encoder that was given nothing is an empty object, as Foundation's.
    var node: JSONNode { root?.node ?? .object([:]) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: ObjectBox
        if case let .object(existing) = root { box = existing } else {
            box = ObjectBox()
            root = .object(box)
        }
        return KeyedEncodingContainer(KeyedContainer(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        if case let .array(existing) = root { box = existing } else {
            box = ArrayBox()
            root = .array(box)
        }
        return UnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    /// One value: the primitives directly, anything else through its own `encode(to:)`.
    static func slot<T: Encodable>(_ value: T, at path: [any CodingKey]) throws -> Slot {
        if let primitive = try primitive(value, at: path) { return .value(primitive) }
        let encoder = JSONTreeEncoder(codingPath: path)
        try value.encode(to: encoder)
        return .pending(encoder)
    }

    static func primitive(_ value: Any, at path: [any CodingKey]) throws -> JSONNode? {
        switch value {
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(String(number))
        case let number as Int8: return .number(String(number))
        case let number as Int16: return .number(String(number))
        case let number as Int32: return .number(String(number))
        case let number as Int64: return .number(String(number))
        case let number as UInt: return .number(String(number))
        case let number as UInt8: return .number(String(number))
        case let number as UInt16: return .number(String(number))
        case let number as UInt32: return .number(String(number))
        case let number as UInt64: return .number(String(number))
        case let number as Double: return try real(number, at: path)
        case let number as Float: return try real(Double(number), at: path)
        default: return nil
        }
    }

    /// JSON has no infinity or NaN; Swift's shortest round-trip text is valid JSON otherwise.
    static func real(_ number: Double, at path: [any CodingKey]) throws -> JSONNode {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: path, debugDescription: "JSON has no \(number)"))
        }
        return .number(number.description)
    }
}

final class ObjectBox {
    var members: [String: Slot] = [:]
}

final class ArrayBox {
    var items: [Slot] = []
}

/// A place in the tree being built: a finished value, a box still filling, or a nested
/// encoder (a value's own `encode(to:)`, or a super encoder) read when the tree is frozen.
enum Slot {
    case value(JSONNode)
    case object(ObjectBox)
    case array(ArrayBox)
    case pending(JSONTreeEncoder)

    var node: JSONNode {
        switch self {
        case let .value(node): node
        case let .object(box): .object(box.members.mapValues(\.node))
        case let .array(box): .array(box.items.map(\.node))
        case let .pending(encoder): encoder.node
        }
    }
}

/// A coding key for array positions and super encoders.
struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ index: Int) { stringValue = String(index); intValue = index }
    init?(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init?(intValue: Int) { self.init(intValue) }
    static let superKey = IndexKey(stringValue: "super")!
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ObjectBox
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { box.members[key.stringValue] = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.members[key.stringValue] = try JSONTreeEncoder.slot(value, at: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        box.members[key.stringValue] = .object(nested)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        box.members[key.stringValue] = .array(nested)
        return UnkeyedContainer(box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: IndexKey.superKey) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        let encoder = JSONTreeEncoder(codingPath: codingPath + [key])
        box.members[key.stringValue] = .pending(encoder)
        return encoder
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: ArrayBox
    let codingPath: [any CodingKey]
    var count: Int { box.items.count }

    private var nextPath: [any CodingKey] { codingPath + [IndexKey(count)] }

    mutating func encodeNil() throws { box.items.append(.value(.null)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.items.append(try JSONTreeEncoder.slot(value, at: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        let path = nextPath
        box.items.append(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        let path = nextPath
        box.items.append(.array(nested))
        return UnkeyedContainer(box: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = JSONTreeEncoder(codingPath: nextPath)
        box.items.append(.pending(encoder))
        return encoder
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: JSONTreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.root = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.root = try JSONTreeEncoder.slot(value, at: codingPath)
    }
}
