import PodCore

/// Reads what `WireWriter` wrote, and nothing else: a truncated frame, bytes after the
/// last message, a tag given twice or unknown, an integer of the wrong width, a string
/// that is not UTF-8, more than `maxMessage` bytes or `maxCount` list elements are each
/// refused with a PodError naming the field. It never traps on any input: every length
/// is checked against what is left before it is used.
public enum WireReader {
    /// 16 MiB: a plan is a few KiB plus the environment and argv (execve takes at most a
    /// quarter of the stack limit of those, execve(2)) and a seccomp program (~50 KiB).
    public static let maxMessage = 16 << 20
    /// Elements of one list: more than any argv, env, mount or rule list podctl builds.
    public static let maxCount = 1 << 16

    /// Splits `bytes` into the bodies of its messages, which must fill it exactly.
    public static func messages(_ bytes: [UInt8], _ magic: WireMagic, what: String) throws(PodError) -> [ArraySlice<UInt8>] {
        let (bodies, problem) = leadingMessages(bytes, magic, what: what)
        if let problem { throw problem }
        return bodies
    }

    /// The whole messages at the start of `bytes`, and what is wrong with the rest, if
    /// anything: a reader of a stream keeps what arrived intact.
    public static func leadingMessages(_ bytes: [UInt8], _ magic: WireMagic, what: String) -> (bodies: [ArraySlice<UInt8>], problem: PodError?) {
        guard bytes.count <= maxMessage else { return ([], malformed(what, "\(bytes.count) bytes, more than \(maxMessage)")) }
        var cursor = WireCursor(bytes[...], what: what)
        var bodies: [ArraySlice<UInt8>] = []
        do throws(PodError) {
            while !cursor.atEnd {
                guard try cursor.take(magic.bytes.count, "the magic") == magic.bytes[...] else {
                    throw malformed(what, "does not start with \(String(decoding: magic.bytes, as: UTF8.self)) (not this kind of message, or another podctl's)")
                }
                let length = try cursor.u32("the length")
                bodies.append(try cursor.take(Int(length), "the body"))
            }
        } catch {
            return (bodies, error)
        }
        return (bodies, nil)
    }

    /// Exactly one message.
    public static func message<Tag>(_ bytes: [UInt8], _ magic: WireMagic, what: String, as: Tag.Type) throws(PodError) -> WireFields<Tag> {
        let bodies = try messages(bytes, magic, what: what)
        guard bodies.count == 1 else { throw malformed(what, bodies.isEmpty ? "it is empty" : "\(bodies.count) messages where one belongs") }
        return try WireFields(bodies[0], what: what)
    }

    static func malformed(_ what: String, _ problem: String) -> PodError {
        // A helper and a caller of the same build never disagree: this is a bug, or bytes
        // that did not come from podctl.
        PodError(.internal, "\(what) is malformed: \(problem)")
    }
}

/// The fields of one body by tag. Getters return nil for an absent field; a present
/// field of the wrong shape is an error.
///
/// Names (`what`, a field's) are autoclosures, built only for an error: interpolating a
/// tag prints an enum case through reflection, and doing it for every field on success
/// was a third of a pod-helper's plan decode (perf, docs/benchmarks.md).
public struct WireFields<Tag: RawRepresentable & Hashable> where Tag.RawValue == UInt16 {
    let what: () -> String
    private var payloads: [Tag: ArraySlice<UInt8>] = [:]

    public init(_ body: ArraySlice<UInt8>, what: @autoclosure @escaping () -> String) throws(PodError) {
        self.what = what
        var cursor = WireCursor(body, what: what())
        while !cursor.atEnd {
            let number = try cursor.u16("a tag")
            guard let tag = Tag(rawValue: number) else { throw WireReader.malformed(what(), "an unknown field \(number)") }
            let length = try cursor.u32("the length of \(tag)")
            let payload = try cursor.take(Int(length), "\(tag)")
            guard payloads.updateValue(payload, forKey: tag) == nil else { throw WireReader.malformed(what(), "\(tag) appears twice") }
        }
    }

    public func bytes(_ tag: Tag) -> [UInt8]? { payloads[tag].map(Array.init) }

    /// Refuses a field that `kind` does not take (a launch plan's mode): a plan says
    /// only what its mode uses.
    public func refuse(allBut allowed: Set<Tag>, _ kind: @autoclosure () -> String) throws(PodError) {
        if let extra = payloads.keys.first(where: { !allowed.contains($0) }) { throw malformed("\(kind()) takes no \(extra)") }
    }

    public func string(_ tag: Tag) throws(PodError) -> String? {
        guard let payload = payloads[tag] else { return nil }
        return try decodeString(payload, "\(tag)")
    }

    public func bool(_ tag: Tag) throws(PodError) -> Bool? {
        guard let payload = payloads[tag] else { return nil }
        guard payload.count == 1, payload.first! <= 1 else { throw malformed("\(tag) is not a boolean") }
        return payload.first! == 1
    }

    public func uint32(_ tag: Tag) throws(PodError) -> UInt32? { try integer(UInt32.self, tag) }
    public func uint64(_ tag: Tag) throws(PodError) -> UInt64? { try integer(UInt64.self, tag) }
    public func int32(_ tag: Tag) throws(PodError) -> Int32? { try integer(UInt32.self, tag).map { Int32(bitPattern: $0) } }

    public func record<Inner>(_ tag: Tag, as: Inner.Type) throws(PodError) -> WireFields<Inner>? {
        guard let payload = payloads[tag] else { return nil }
        let what = self.what
        return try WireFields<Inner>(payload, what: "\(what()), \(tag)")
    }

    public func strings(_ tag: Tag) throws(PodError) -> [String] {
        var result: [String] = []
        for (index, element) in try list(tag).enumerated() { result.append(try decodeString(element, "\(tag)[\(index)]")) }
        return result
    }

    public func records<Inner>(_ tag: Tag, as: Inner.Type) throws(PodError) -> [WireFields<Inner>] {
        var result: [WireFields<Inner>] = []
        let what = self.what
        for (index, element) in try list(tag).enumerated() { result.append(try WireFields<Inner>(element, what: "\(what()), \(tag)[\(index)]")) }
        return result
    }

    /// The elements of a list; an absent list is empty.
    func list(_ tag: Tag) throws(PodError) -> [ArraySlice<UInt8>] {
        guard let payload = payloads[tag] else { return [] }
        let what = self.what
        var cursor = WireCursor(payload, what: "\(what()), \(tag)")
        let count = Int(try cursor.u32("the count"))
        guard count <= WireReader.maxCount else { throw malformed("\(tag) has \(count) elements, more than \(WireReader.maxCount)") }
        var elements: [ArraySlice<UInt8>] = []
        for index in 0..<count {
            let length = try cursor.u32("the length of element \(index)")
            elements.append(try cursor.take(Int(length), "element \(index)"))
        }
        guard cursor.atEnd else { throw malformed("\(tag) has bytes after its \(count) elements") }
        return elements
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ tag: Tag) throws(PodError) -> T? {
        guard let payload = payloads[tag] else { return nil }
        guard payload.count == T.bitWidth / 8 else { throw malformed("\(tag) has \(payload.count) bytes where a \(T.bitWidth)-bit integer has \(T.bitWidth / 8)") }
        return WireCursor.littleEndian(payload)
    }

    private func decodeString(_ payload: ArraySlice<UInt8>, _ name: @autoclosure () -> String) throws(PodError) -> String {
        guard let text = String(validating: payload, as: UTF8.self) else { throw malformed("\(name()) is not UTF-8") }
        return text
    }

    public func malformed(_ problem: String) -> PodError { WireReader.malformed(what(), problem) }
}

/// A position in a frame; every read checks the bytes are there.
struct WireCursor {
    private let bytes: ArraySlice<UInt8>
    private var offset: Int
    let what: () -> String

    init(_ bytes: ArraySlice<UInt8>, what: @autoclosure @escaping () -> String) {
        self.bytes = bytes
        offset = bytes.startIndex
        self.what = what
    }

    var atEnd: Bool { offset == bytes.endIndex }

    mutating func take(_ count: Int, _ name: @autoclosure () -> String) throws(PodError) -> ArraySlice<UInt8> {
        let left = bytes.endIndex - offset
        guard count <= left else { throw WireReader.malformed(what(), "\(name()) needs \(count) bytes, \(left) are left (truncated)") }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func u16(_ name: @autoclosure () -> String) throws(PodError) -> UInt16 { Self.littleEndian(try take(2, name())) }
    mutating func u32(_ name: @autoclosure () -> String) throws(PodError) -> UInt32 { Self.littleEndian(try take(4, name())) }

    static func littleEndian<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>) -> T {
        bytes.reversed().reduce(T.zero) { $0 << 8 | T(truncatingIfNeeded: $1) }
    }
}
