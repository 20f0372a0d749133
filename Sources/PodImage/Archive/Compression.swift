import Glibc
import PodCore
import PodOS

/// The encodings a layer or an import source may have: those of the OCI image spec
/// (layer.md, "Distributable Format"): a plain tar, gzip, or zstd.
public enum Compression: String, Sendable, Codable {
    case none, gzip, zstd

    /// Reads the first bytes of a file: gzip starts 1f 8b (RFC 1952), zstd 28 b5 2f fd
    /// (RFC 8878). Other known compressions are named in the error, so the user knows
    /// what to undo.
    static func detect(path: String, what: String) throws(PodError) -> Compression {
        let file = try FileDescriptor.open(path, O_RDONLY)
        var head = [UInt8](repeating: 0, count: 6)
        let count = try syscallSize("read", path: path) { head.withUnsafeMutableBytes { Glibc.read(file.raw, $0.baseAddress, 6) } }
        return try detect(head: Array(head.prefix(count)), what: what)
    }

    static func detect(head: [UInt8], what: String) throws(PodError) -> Compression {
        if head.starts(with: [0x1f, 0x8b]) { return .gzip }
        if head.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        let others: [(String, [UInt8])] = [("xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), ("bzip2", [0x42, 0x5a, 0x68])]
        if let (name, _) = others.first(where: { head.starts(with: $0.1) }) {
            throw PodError(.unsupported, "\(what) is compressed with \(name); podctl reads plain, gzip and zstd tars: decompress it first")
        }
        return .none
    }

    /// The OCI media type of a layer in this encoding.
    var layerMediaType: String {
        switch self {
        case .none: return MediaType.layer
        case .gzip: return MediaType.layerGzip
        case .zstd: return MediaType.layerZstd
        }
    }
}
