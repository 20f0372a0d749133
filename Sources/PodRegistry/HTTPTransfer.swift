import CCurl
import Glibc
import PodCore
import PodOS

/// One HTTP request through libcurl (docs/architecture.md, D30: URLSession on Linux
/// cannot trust a per-registry CA). A transfer runs on the calling thread; pulls run
/// several at once on threads of their own, each with its own easy handle, which
/// libcurl allows (libcurl-thread(3): handles are not shared between threads).
struct HTTPRequest {
    var url: String
    var method = "GET"
    var headers: [String] = []
    /// Ask for the bytes from this offset on (`Range: bytes=N-`), to resume a blob.
    var rangeStart: Int64 = 0
    var tls = TLSSettings()
    /// A form body (`application/x-www-form-urlencoded`); it makes the request a POST.
    var form: String?
}

/// How a registry's certificate is checked (RegistryHosts decides).
struct TLSSettings: Sendable {
    /// A CA file trusted for this registry besides the system store.
    var caFile: String?
    var clientCertificate: String?
    var clientKey: String?
    /// Only for registries configured insecure (docker's rule for them).
    var verify = true
}

/// Receives a 2xx body as it arrives, with the status (206 for a `Range` answered).
typealias BodySink = (_ status: Int, _ bytes: UnsafeRawBufferPointer) throws(PodError) -> Void

struct HTTPResponse {
    var status: Int
    /// Header names lowercased, of the final response (after redirects).
    var headers: [(name: String, value: String)]
    /// The body when it was collected (not streamed to a sink); error bodies always.
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.last { $0.name == name }?.value
    }

    func headers(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }

    var ok: Bool { status >= 200 && status < 300 }
}

/// A transfer that failed below HTTP: no status came, or the body broke off.
struct TransportFailure: Error {
    let code: CURLcode
    let detail: String
    /// Bytes of the body that reached the sink before the failure.
    let received: Int64

    /// Failures worth another try: the connection dropped, stalled or was refused.
    var retryable: Bool {
        [CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING,
         CURLE_COULDNT_CONNECT, CURLE_HTTP2, CURLE_HTTP2_STREAM].contains(code)
    }

    /// The server did not speak TLS, or the handshake failed for a reason other than trust.
    var isTLSFailure: Bool {
        [CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM].contains(code)
    }

    var isCertificateFailure: Bool { code == CURLE_PEER_FAILED_VERIFICATION }
}

enum HTTPTransfer {
    /// libcurl's global state is set up once, before any thread makes a handle
    /// (curl_global_init(3) is not thread-safe before 7.84).
    static let initialized: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    static let userAgent = "podctl/0.1 (libcurl)"

    /// Bodies collected in memory (manifests, tokens, errors) stop here.
    static let collectLimit = 8 << 20

    /// Performs the request. With `sink`, a 2xx body goes to it as it arrives; any other
    /// body is collected (it is the registry's error). Throws `TransportFailure` when no
    /// complete response came, or what the sink threw.
    static func perform(_ request: HTTPRequest, sink: BodySink? = nil) throws -> HTTPResponse {
        try SharedLibrary.require(podcurl_load())
        guard initialized, let handle = curl_easy_init() else {
            throw PodError(.system, "libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(handle) }
        let context = TransferContext(sink: sink)
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in request.headers { headerList = curl_slist_append(headerList, header) }
        defer { curl_slist_free_all(headerList) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
            podcurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
            podcurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
            configure(handle, request)
            installCallbacks(handle, context: unmanaged.toOpaque())
            return curl_easy_perform(handle)
        }
        if let failure = context.failure { throw failure }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw TransportFailure(code: code, detail: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail, received: context.received)
        }
        return HTTPResponse(status: context.status, headers: context.headers, body: context.collected)
    }

    /// The options of one request: URL, limits, redirects, TLS. libcurl copies strings.
    private static func configure(_ handle: UnsafeMutableRawPointer, _ request: HTTPRequest) {
        podcurl_setopt_string(handle, CURLOPT_URL, request.url)
        podcurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        podcurl_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
        podcurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        podcurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        // Registries send blobs to storage (S3, a CDN) with a redirect; libcurl drops
        // our Authorization header when the host changes (CURLOPT_UNRESTRICTED_AUTH off).
        podcurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        podcurl_setopt_long(handle, CURLOPT_MAXREDIRS, 10)
        podcurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, 30)
        // A transfer that moves nothing for 60 s is broken off, then resumed (BlobFetcher).
        podcurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        podcurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, 60)
        if request.method == "HEAD" { podcurl_setopt_long(handle, CURLOPT_NOBODY, 1) }
        if let form = request.form { podcurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, form) }
        if request.rangeStart > 0 { podcurl_setopt_string(handle, CURLOPT_RANGE, "\(request.rangeStart)-") }
        if let caFile = request.tls.caFile {
            // CAINFO and CAPATH are both used by the OpenSSL backend: the registry's CA
            // is trusted beside the system store, which a redirect to a CDN needs.
            podcurl_setopt_string(handle, CURLOPT_CAINFO, caFile)
            podcurl_setopt_string(handle, CURLOPT_CAPATH, "/etc/ssl/certs")
        }
        if let certificate = request.tls.clientCertificate, let key = request.tls.clientKey {
            podcurl_setopt_string(handle, CURLOPT_SSLCERT, certificate)
            podcurl_setopt_string(handle, CURLOPT_SSLKEY, key)
        }
        if !request.tls.verify {
            podcurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            podcurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    /// Headers and body go to the transfer's context (C function pointers cannot
    /// capture: the context travels as the callbacks' user pointer).
    private static func installCallbacks(_ handle: UnsafeMutableRawPointer, context: UnsafeMutableRawPointer) {
        podcurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        podcurl_setopt_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, opaque in
            let context = Unmanaged<TransferContext>.fromOpaque(opaque!).takeUnretainedValue()
            context.header(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        podcurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        podcurl_setopt_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, opaque in
            let context = Unmanaged<TransferContext>.fromOpaque(opaque!).takeUnretainedValue()
            return context.body(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }
    }
}

/// What the callbacks of one transfer see.
private final class TransferContext {
    let sink: BodySink?
    var status = 0
    var headers: [(name: String, value: String)] = []
    var collected: [UInt8] = []
    var received: Int64 = 0
    var failure: PodError?

    init(sink: BodySink?) { self.sink = sink }

    /// Each response of a redirect chain starts with its status line: headers restart there.
    func header(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingSpaceAndNewlines()
        if line.hasPrefix("HTTP/") {
            headers = []
            let parts = line.split(separator: " ")
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        } else if let colon = line.firstIndex(of: ":") {
            headers.append((line[..<colon].lowercased(), String(line[line.index(after: colon)...]).trimmingSpaceAndNewlines()))
        }
    }

    func body(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let sink, status >= 200 && status < 300 {
            do {
                try sink(status, bytes)
                received += Int64(bytes.count)
                return true
            } catch {
                failure = error
                return false
            }
        }
        guard collected.count + bytes.count <= HTTPTransfer.collectLimit else {
            failure = PodError(.invalidArgument, "the registry's response is larger than \(HTTPTransfer.collectLimit >> 20) MiB, too large for a manifest or an error")
            return false
        }
        collected.append(contentsOf: bytes)
        return true
    }
}

extension StringProtocol {
    func trimmingSpaceAndNewlines() -> String {
        // `Character` keeps "\r\n" as one grapheme: isWhitespace covers it.
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
