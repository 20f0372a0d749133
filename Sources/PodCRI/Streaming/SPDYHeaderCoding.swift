import CZlib
import PodCore

/// SPDY/3 header blocks (§2.6.10): a count, then each name and value after its 4-byte
/// length, the whole compressed by one zlib stream per direction and session, primed with
/// SPDYDictionary and flushed (Z_SYNC_FLUSH) after each block, as moby/spdystream's
/// framer does. Names are lower case on the wire; a value may hold several, NUL-separated.
/// Everything a client sends is bounded: the compressed block by the frame, the
/// inflated block by `maxBlock`, the pairs by `maxPairs`.
final class SPDYHeaderCoding {
    /// A remotecommand or portforward stream's headers are a few dozen bytes (streamType,
    /// port, requestID); 64 KiB bounds what a hostile block may inflate to.
    static let maxBlock = 64 << 10
    static let maxPairs = 64

    private var inflater = z_stream()
    private var deflater = z_stream()
    private var inflaterReady = false
    private var deflaterReady = false

    init() {}

    deinit {
        if inflaterReady { inflateEnd(&inflater) }
        if deflaterReady { deflateEnd(&deflater) }
    }

    /// The pairs of one received block; names lower-cased.
    func decode(_ compressed: ArraySlice<UInt8>) throws(PodError) -> [(name: String, value: String)] {
        try Self.parseBlock(try inflate(compressed))
    }

    /// One block to send.
    func encode(_ pairs: [(name: String, value: String)]) throws(PodError) -> [UInt8] {
        try deflate(Self.block(pairs))
    }

    static func block(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        var bytes = SPDYFrame.be32(UInt32(pairs.count))
        for pair in pairs {
            let name = Array(pair.name.lowercased().utf8), value = Array(pair.value.utf8)
            bytes += SPDYFrame.be32(UInt32(name.count)) + name + SPDYFrame.be32(UInt32(value.count)) + value
        }
        return bytes
    }

    /// An inflated block's pairs; lengths past the block, a count over `maxPairs`, an
    /// empty name or bytes that are not UTF-8 are refused.
    static func parseBlock(_ bytes: [UInt8]) throws(PodError) -> [(name: String, value: String)] {
        var at = 0
        func length() throws(PodError) -> Int {
            guard bytes.count - at >= 4 else { throw malformed("it ends inside a length") }
            defer { at += 4 }
            return Int(SPDYFrame.be32(bytes[...], at: at))
        }
        func string() throws(PodError) -> String {
            let count = try length()
            guard count <= bytes.count - at else { throw malformed("a length of \(count) runs past its end") }
            defer { at += count }
            guard let text = String(validating: bytes[at..<(at + count)], as: UTF8.self) else { throw malformed("a name or value is not UTF-8") }
            return text
        }
        let count = try length()
        guard count <= maxPairs else { throw malformed("\(count) headers, more than \(maxPairs)") }
        var pairs: [(name: String, value: String)] = []
        for _ in 0..<count {
            let name = try string().lowercased()
            guard !name.isEmpty else { throw malformed("a header name is empty") }
            pairs.append((name, try string()))
        }
        return pairs
    }

    static func malformed(_ why: String) -> PodError {
        PodError(.invalidArgument, "a malformed SPDY header block: \(why)")
    }

    private func inflate(_ compressed: ArraySlice<UInt8>) throws(PodError) -> [UInt8] {
        if !inflaterReady {
            guard czlib_inflate_init(&inflater) == Z_OK else { throw PodError(.system, "zlib: inflateInit failed") }
            inflaterReady = true
        }
        var input = Array(compressed)
        var output = [UInt8](repeating: 0, count: Self.maxBlock + 1)
        var produced = 0
        let result: PodError? = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                inflater.next_in = source.baseAddress
                inflater.avail_in = UInt32(source.count)
                while true {
                    inflater.next_out = target.baseAddress! + produced
                    inflater.avail_out = UInt32(target.count - produced)
                    var status = CZlib.inflate(&inflater, Z_SYNC_FLUSH)
                    if status == Z_NEED_DICT {
                        status = SPDYDictionary.bytes.withUnsafeBufferPointer { inflateSetDictionary(&inflater, $0.baseAddress, UInt32($0.count)) }
                        guard status == Z_OK else { return Self.malformed("its zlib stream names another dictionary") }
                        produced = target.count - Int(inflater.avail_out)
                        continue
                    }
                    produced = target.count - Int(inflater.avail_out)
                    if produced > Self.maxBlock { return Self.malformed("it inflates to more than \(Self.maxBlock) bytes") }
                    if status == Z_BUF_ERROR || inflater.avail_in == 0 { return nil }
                    guard status == Z_OK else { return Self.malformed("zlib says \(status)") }
                }
            }
        }
        inflater.next_in = nil
        inflater.next_out = nil
        if let result { throw result }
        return Array(output[0..<produced])
    }

    private func deflate(_ block: [UInt8]) throws(PodError) -> [UInt8] {
        if !deflaterReady {
            guard czlib_deflate_init(&deflater, Z_BEST_COMPRESSION) == Z_OK,
                  SPDYDictionary.bytes.withUnsafeBufferPointer({ deflateSetDictionary(&deflater, $0.baseAddress, UInt32($0.count)) }) == Z_OK
            else { throw PodError(.system, "zlib: deflateInit failed") }
            deflaterReady = true
        }
        var input = block
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            deflater.next_in = source.baseAddress
            deflater.avail_in = UInt32(source.count)
            var status = Z_OK
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    deflater.next_out = target.baseAddress
                    deflater.avail_out = UInt32(target.count)
                    status = CZlib.deflate(&deflater, Z_SYNC_FLUSH)
                    output += target[0..<(target.count - Int(deflater.avail_out))]
                }
            } while status == Z_OK && deflater.avail_out == 0
            return status
        }
        deflater.next_in = nil
        deflater.next_out = nil
        guard status == Z_OK || status == Z_BUF_ERROR else { throw PodError(.system, "zlib: deflate failed (\(status))") }
        return output
    }
}
