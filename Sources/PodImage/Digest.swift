import Crypto
import PodCore

/// A content digest, `sha256:<64 lowercase hex>`: the name of every blob, layer and image
/// in the store. Only sha256 is accepted; it is the one algorithm the OCI image spec
/// requires and the only one registries and `docker save` produce.
public struct Digest: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public let hex: String

    /// Checks the form: the algorithm, then exactly 64 lowercase hex digits (OCI image
    /// spec, descriptor.md "Digests": sha256 is encoded as lowercase hex).
    public init(parsing text: String) throws(PodError) {
        guard text.hasPrefix("sha256:") else {
            throw PodError(.invalidArgument, "\"\(text)\" is not a sha256 digest (sha256:<64 hex digits>)")
        }
        try self.init(hex: String(text.dropFirst("sha256:".count)))
    }

    public init(hex: String) throws(PodError) {
        guard Digest.isHex64(hex) else {
            throw PodError(.invalidArgument, "\"sha256:\(hex)\" is not a sha256 digest: it needs exactly 64 lowercase hex digits")
        }
        self.hex = hex
    }

    init(unchecked hex: String) { self.hex = hex }

    public var description: String { "sha256:" + hex }
    /// The 12 hex digits podman and docker show as an image ID.
    public var shortID: String { String(hex.prefix(12)) }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.hex < rhs.hex }

    public static func of(_ bytes: [UInt8]) -> Digest {
        var hasher = DigestHasher()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finish()
    }

    static func isHex64(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// SHA-256 over a stream of bytes, fed as they pass (BoringSSL underneath: SHA-NI where
/// the CPU has it), so no blob is ever read twice just to name it.
public struct DigestHasher {
    private var hash = SHA256()
    public private(set) var count: Int64 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hash.update(bufferPointer: bytes)
        count += Int64(bytes.count)
    }

    public func finish() -> Digest {
        let table: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in hash.finalize() {
            text.append(table[Int(byte >> 4)])
            text.append(table[Int(byte & 0xf)])
        }
        return Digest(unchecked: String(decoding: text, as: UTF8.self))
    }
}
