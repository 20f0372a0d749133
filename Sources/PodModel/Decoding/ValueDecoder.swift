/// A `Decoder` over `Value` that reports problems the way the API server does: every
/// type error is recorded with its field path and decoding goes on, so one run
/// reports all of them; keys nobody reads are left for `DecodeRecord.unreadKeys`.
struct ValueDecoder: Decoder {
    let value: Value
    let path: FieldPath
    let record: DecodeRecord
    let typeName: String

    var codingPath: [CodingKey] { path.steps.map(PathKey.init) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .object(members) = value else { throw mismatch("an object") }
        record.register(path, typeName: typeName, members: members)
        return KeyedDecodingContainer(ObjectContainer<Key>(members: members, path: path, record: record))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case let .array(elements) = value else { throw mismatch("a list") }
        return ListContainer(elements: elements, path: path, record: record)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }

    func mismatch(_ expected: String) -> FieldFailure {
        FieldFailure(error: .invalid(path, value.errorText, "must be \(expected), not \(value.kindName)"))
    }

    func child<T: Decodable>(_ type: T.Type, _ value: Value, _ path: FieldPath) -> ValueDecoder {
        ValueDecoder(value: value, path: path, record: record, typeName: _typeName(type, qualified: false))
    }
}

struct PathKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ step: FieldPath.Step) {
        switch step {
        case let .field(name), let .key(name): stringValue = name; intValue = nil
        case let .index(index): stringValue = String(index); intValue = index
        }
    }

    init?(stringValue: String) { self.stringValue = stringValue; intValue = nil }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

/// Records a failure of a child decode once, whatever kind it is.
func recordFailure(_ error: Error, at path: FieldPath, in record: DecodeRecord) {
    switch error {
    case is RecordedFailure: break
    case let failure as FieldFailure: record.errors.append(failure.error)
    default: record.errors.append(.invalid(path, "", "\(error)"))
    }
}

extension ValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case let .bool(flag) = value else { throw mismatch("a boolean") }
        return flag
    }

    /// Every string of a manifest passes here, so this is where NUL is refused (#14).
    func decode(_ type: String.Type) throws -> String {
        guard case let .string(text) = value else { throw mismatch("a string") }
        if text.utf8.contains(0) { throw FieldFailure(error: .nulByte(path, text)) }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case let .int(number): return Double(number)
        case let .float(number): return number
        default: throw mismatch("a number")
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case let .int(number) = value else { throw mismatch("an integer") }
        guard let exact = T(exactly: number) else {
            throw FieldFailure(error: .invalid(path, number, "must fit in a \(T.bitWidth)-bit \(T.isSigned ? "" : "unsigned ")integer"))
        }
        return exact
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}
