/// The one encoding of every message between podctl's processes that carries strings
/// from a manifest, an image or a container: the launch plan (supervisor or `podctl
/// exec` → pod-helper) and the helper's report (pod-helper → its caller). Every value
/// is framed by its length, so no byte inside a string — NUL, `=`, `|`, a newline — can
/// end it or start another field. The `key=value\0` plan it replaces let an env value
/// `x\0uid=0` run a workload as root (#14); runc frames its bootstrap data the same way
/// (netlink attributes: type, length, payload), for the same reason.
///
///     message := magic(4 bytes) length(u32) body      length: of the body
///     body    := field*                              each tag at most once
///     field   := tag(u16) length(u32) payload
///     payload := u8 (bool: 0 or 1) | u32 | i32 | u64 | UTF-8 bytes | raw bytes
///              | body (a record) | count(u32) (length(u32) element)* (a list)
///
/// Integers are little-endian and fixed-width. Standard library only: pod-helper links
/// this, and neither Foundation nor Dispatch (docs/architecture.md, D13).
public struct WireWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// A whole message: the magic, the body's length, the body.
    public static func message(_ magic: WireMagic, _ body: (inout WireWriter) -> Void) -> [UInt8] {
        var inner = WireWriter()
        body(&inner)
        var outer = WireWriter()
        outer.bytes = magic.bytes
        outer.raw(UInt32(inner.bytes.count))
        outer.bytes += inner.bytes
        return outer.bytes
    }

    public mutating func bytes(_ tag: UInt16, _ value: [UInt8]) {
        raw(tag)
        raw(UInt32(value.count))
        bytes += value
    }

    public mutating func string(_ tag: UInt16, _ value: String) { bytes(tag, Array(value.utf8)) }
    public mutating func bool(_ tag: UInt16, _ value: Bool) { bytes(tag, [value ? 1 : 0]) }
    public mutating func uint32(_ tag: UInt16, _ value: UInt32) { bytes(tag, Self.littleEndian(value)) }
    public mutating func int32(_ tag: UInt16, _ value: Int32) { uint32(tag, UInt32(bitPattern: value)) }
    public mutating func uint64(_ tag: UInt16, _ value: UInt64) { bytes(tag, Self.littleEndian(value)) }

    /// A nested body: a struct inside a message.
    public mutating func record(_ tag: UInt16, _ body: (inout WireWriter) -> Void) {
        var inner = WireWriter()
        body(&inner)
        bytes(tag, inner.bytes)
    }

    /// A list: the count, then each element framed by its length.
    public mutating func list<Element>(_ tag: UInt16, _ elements: [Element], _ encode: (Element) -> [UInt8]) {
        var inner = WireWriter()
        inner.raw(UInt32(elements.count))
        for element in elements {
            let encoded = encode(element)
            inner.raw(UInt32(encoded.count))
            inner.bytes += encoded
        }
        bytes(tag, inner.bytes)
    }

    public mutating func strings(_ tag: UInt16, _ values: [String]) { list(tag, values) { Array($0.utf8) } }
    public mutating func records<Element>(_ tag: UInt16, _ values: [Element], _ body: (Element, inout WireWriter) -> Void) {
        list(tag, values) { element in
            var inner = WireWriter()
            body(element, &inner)
            return inner.bytes
        }
    }

    mutating func raw<T: FixedWidthInteger>(_ value: T) { bytes += Self.littleEndian(value) }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}

/// The first four bytes of a message, naming what it is, so a report is never read as a
/// plan; a new layout gets a new magic.
public struct WireMagic: Equatable, Sendable {
    public let bytes: [UInt8]

    public static let plan = WireMagic(bytes: Array("PLN1".utf8))
    public static let report = WireMagic(bytes: Array("RPT1".utf8))
}
