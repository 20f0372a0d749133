import CArchive
import Glibc
import PodCore
import PodOS

/// Gzip decompression that checks every member's trailer. libarchive's gzip filter
/// skips the CRC-32 and length a member ends with (its source says "XXX TODO: Verify
/// the length and CRC"), so a damaged layer whose tar still parses would load. Here
/// zlib inflates with `windowBits` 16+15 (gzip only): it returns Z_STREAM_END only when
/// the trailer matches what it produced, and an error otherwise.
///
/// Members follow each other as RFC 1952 (2.2) allows (eStargz layers are made of
/// many); after the last, the file must end. Anything else after a member — padding,
/// garbage — is refused, as Go's compress/gzip (behind Docker and containerd) refuses
/// it with "invalid header"; a stream that ends inside a member is cut short.
final class GzipStream {
    private let file: Int32
    private let what: String
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    private var inputEnded = false
    /// The last member ended and no byte of another has been read yet.
    private var betweenMembers = false

    /// `file` is read from its current offset and stays open: the caller owns it.
    init(file: Int32, what: String) throws(PodError) {
        self.file = file
        self.what = what
        // zlib keeps a pointer back to the z_stream, so it lives at one address.
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, 16 + 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            input.deallocate()
            output.deallocate()
            throw PodError(.system, "zlib cannot start inflating \(what)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
        output.deallocate()
    }

    /// The next decompressed bytes, valid until the next call; empty at the end.
    func next() throws(PodError) -> UnsafeRawBufferPointer {
        while true {
            if stream.pointee.avail_in == 0 && !inputEnded { try refill() }
            if stream.pointee.avail_in == 0 && inputEnded {
                if betweenMembers { return UnsafeRawBufferPointer(start: nil, count: 0) }
                throw damaged("its gzip stream ends inside a member, before the member's trailer: it was cut short", zlib: nil)
            }
            if betweenMembers {
                inflateReset(stream)
                betweenMembers = false
            }
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END: betweenMembers = true
            case Z_OK, Z_BUF_ERROR: break  // Z_BUF_ERROR: no progress until more input comes
            default:
                let message = stream.pointee.msg.map { String(cString: $0) }
                throw damaged("its gzip data is damaged: a header, CRC-32 or length does not match", zlib: message)
            }
            if produced > 0 { return UnsafeRawBufferPointer(start: output.baseAddress, count: produced) }
        }
    }

    private func refill() throws(PodError) {
        let count = try syscallSize("read", path: nil) { Glibc.read(file, input.baseAddress, input.count) }
        if count == 0 { inputEnded = true }
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(count)
    }

    private func damaged(_ problem: String, zlib: String?) -> PodError {
        PodError(.invalidArgument, "cannot decompress \(what): \(problem)", cause: zlib.map { .text("zlib: \($0)") })
    }
}
