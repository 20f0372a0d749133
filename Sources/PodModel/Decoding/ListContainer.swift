/// The unkeyed container of `ValueDecoder`. When one element fails, the remaining
/// elements are still decoded (and their errors recorded) before the list gives up,
/// so one bad container does not hide the errors of the next.
struct ListContainer: UnkeyedDecodingContainer {
    let elements: [Value]
    let path: FieldPath
    let record: DecodeRecord
    var currentIndex = 0

    var codingPath: [CodingKey] { path.steps.map(PathKey.init) }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private func element<T>(_ type: T.Type, _ index: Int) -> ValueDecoder {
        ValueDecoder(value: elements[index], path: path.index(index), record: record, typeName: _typeName(type, qualified: false))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !isAtEnd else { throw RecordedFailure() }
        let index = currentIndex
        currentIndex += 1
        do {
            return try T(from: element(type, index))
        } catch {
            recordFailure(error, at: path.index(index), in: record)
            while currentIndex < elements.count {
                do { _ = try T(from: element(type, currentIndex)) } catch {
                    recordFailure(error, at: path.index(currentIndex), in: record)
                }
                currentIndex += 1
            }
            throw RecordedFailure()
        }
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try generic(type) }
    mutating func decode(_ type: String.Type) throws -> String { try generic(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try generic(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try generic(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try generic(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try generic(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try generic(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try generic(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try generic(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try generic(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try generic(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try generic(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try generic(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try generic(type) }

    private mutating func generic<T: Decodable>(_ type: T.Type) throws -> T {
        try (decode(type) as T)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        guard !isAtEnd else { throw RecordedFailure() }
        defer { currentIndex += 1 }
        return try element(Value.self, currentIndex).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard !isAtEnd else { throw RecordedFailure() }
        defer { currentIndex += 1 }
        return try element(Value.self, currentIndex).unkeyedContainer()
    }

    mutating func superDecoder() throws -> Decoder {
        guard !isAtEnd else { throw RecordedFailure() }
        defer { currentIndex += 1 }
        return element(Value.self, currentIndex)
    }
}
