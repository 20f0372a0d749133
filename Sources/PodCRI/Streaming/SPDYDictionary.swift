/// The zlib dictionary of SPDY/3 header blocks (draft-mbelshe-httpbis-spdy-00, §2.6.10.1):
/// 65 words, each after its length as a 4-byte big-endian integer, then a run of status
/// codes, reason phrases, dates and media types. Its Adler-32 is 0xe3c6a7c2, the
/// dictionary id both ends' zlib streams carry (SPDYHeaderCodingTests checks it).
enum SPDYDictionary {
    static let words = [
        "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
        "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization",
        "cache-control", "connection", "content-base", "content-encoding", "content-language",
        "content-length", "content-location", "content-md5", "content-range", "content-type", "date",
        "etag", "expect", "expires", "from", "host", "if-match", "if-modified-since", "if-none-match",
        "if-range", "if-unmodified-since", "last-modified", "location", "max-forwards", "pragma",
        "proxy-authenticate", "proxy-authorization", "range", "referer", "retry-after", "server", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
        "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url",
        "public", "set-cookie", "keep-alive", "origin"
    ]

    static let tail = ""
        + "1001012012022052063003023033043053063074024054064074084094104114124134144154164175025045"
        + "05203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401"
        + " Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 S"
        + "ervice UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, We"
        + "d, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xm"
        + "l,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdc"
        + "hcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."

    static let bytes: [UInt8] = {
        var bytes: [UInt8] = []
        for word in words {
            let count = UInt32(word.utf8.count)
            bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)]
            bytes += Array(word.utf8)
        }
        return bytes + Array(tail.utf8)
    }()
}
