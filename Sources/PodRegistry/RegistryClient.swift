import CCurl
import Foundation
import PodCore

/// The distribution API (OCI distribution-spec) of one repository on one registry:
/// manifests and blobs, with authentication as the registry asks for it. Shared by the
/// threads of a pull; the little state it keeps (the scheme that worked, the current
/// Authorization header) is behind a lock.
final class RegistryClient: @unchecked Sendable {
    let connection: RegistryHosts.Connection
    let repository: String
    let credential: Credential?
    private let lock = NSLock()
    private var plainHTTP = false
    private var authorization: String?

    init(connection: RegistryHosts.Connection, repository: String, credential: Credential?) {
        self.connection = connection
        self.repository = repository
        self.credential = credential
    }

    var registry: String { connection.host }

    /// A GET (or HEAD) of `/v2/<path>`: follows the registry's 401 challenge once, and
    /// falls back to plain HTTP where that is allowed (RegistryHosts).
    func get(_ path: String, accept: [String] = [], rangeStart: Int64 = 0, method: String = "GET", sink: BodySink? = nil) throws -> HTTPResponse {
        var response = try send(path, accept: accept, rangeStart: rangeStart, method: method, sink: sink)
        if response.status == 401 {
            try authenticate(response)
            response = try send(path, accept: accept, rangeStart: rangeStart, method: method, sink: sink)
            if response.status == 401 {
                let whose = credential.map { " of \($0.username)" } ?? ""
                let target = repository.isEmpty ? "" : " for \(repository)"
                throw PodError(.invalidArgument, "\(registry) refused the credentials\(whose)\(target): \(RegistryError.describe(response))" + loginHint)
            }
        }
        return response
    }

    private var loginHint: String {
        credential == nil ? "; log in with podctl login \(registry)" : "; check the user and password (podctl login \(registry))"
    }

    private func send(_ path: String, accept: [String], rangeStart: Int64, method: String, sink: BodySink?) throws -> HTTPResponse {
        let (plain, authorization) = lock.withLock { (plainHTTP, self.authorization) }
        var request = HTTPRequest(url: url(path, plain: plain), method: method, rangeStart: rangeStart, tls: connection.tls)
        if !accept.isEmpty { request.headers.append("Accept: " + accept.joined(separator: ", ")) }
        if let authorization { request.headers.append("Authorization: " + authorization) }
        do {
            return try HTTPTransfer.perform(request, sink: sink)
        } catch let failure as TransportFailure where !plain && connection.mayUsePlainHTTP && failure.received == 0
            && (failure.isTLSFailure || failure.code == CURLE_COULDNT_CONNECT_CODE) {
            // Docker's rule for insecure registries: when HTTPS does not answer, try HTTP.
            lock.withLock { plainHTTP = true }
            request.url = url(path, plain: true)
            return try HTTPTransfer.perform(request, sink: sink)
        }
    }

    func url(_ path: String, plain: Bool) -> String {
        "\(plain ? "http" : "https")://\(connection.endpoint)/v2/\(path)"
    }

    /// Answers a 401: Basic with the stored credential, or the token flow of
    /// distribution's token.md (anonymous, or with the credential as Basic).
    private func authenticate(_ response: HTTPResponse) throws {
        let challenges = response.headers("www-authenticate").flatMap(Challenge.parse)
        if let token = credential?.registryToken, challenges.contains(where: { $0.scheme == "bearer" }) {
            // A registry token is the bearer token itself (containerd's docker authorizer).
            lock.withLock { authorization = "Bearer " + token }
        } else if let bearer = challenges.first(where: { $0.scheme == "bearer" }) {
            let token = try credential?.identityToken.map { refresh in try fetchToken(bearer, refreshToken: refresh) } ?? fetchToken(bearer)
            lock.withLock { authorization = "Bearer " + token }
        } else if challenges.contains(where: { $0.scheme == "basic" }) {
            guard let credential else {
                throw PodError(.invalidArgument, "\(registry) asks for a user name and password for \(repository)" + loginHint)
            }
            lock.withLock { authorization = "Basic " + Data("\(credential.username):\(credential.password)".utf8).base64EncodedString() }
        } else {
            throw PodError(.unsupported, "\(registry) asks for an authentication podctl does not know: \(response.header("www-authenticate") ?? "no WWW-Authenticate header")")
        }
    }

    /// `refreshToken` (an identity token) is exchanged as distribution's oauth.md has it:
    /// a POST of `grant_type=refresh_token` to the realm, as containerd sends it.
    private func fetchToken(_ challenge: Challenge, refreshToken: String? = nil) throws -> String {
        guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm),
              components.scheme == "https" || components.scheme == "http" else {
            throw PodError(.invalidArgument, "\(registry) sent a token challenge without a usable realm: \(challenge.parameters)")
        }
        var items = components.queryItems ?? []
        if let service = challenge.parameters["service"] { items.append(URLQueryItem(name: "service", value: service)) }
        // `/v2/` (a login) challenges without a scope: the token then only proves the credential.
        if let scope = challenge.parameters["scope"] ?? (repository.isEmpty ? nil : "repository:\(repository):pull") {
            items.append(URLQueryItem(name: "scope", value: scope))
        }
        var request: HTTPRequest
        if let refreshToken {
            items += [URLQueryItem(name: "grant_type", value: "refresh_token"), URLQueryItem(name: "refresh_token", value: refreshToken),
                      URLQueryItem(name: "client_id", value: "podctl")]
            func encoded(_ text: String?) -> String { text?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
            request = HTTPRequest(url: realm, tls: connection.tls)
            request.form = items.map { encoded($0.name) + "=" + encoded($0.value) }.joined(separator: "&")
        } else {
            components.queryItems = items
            guard let url = components.string else { throw PodError(.invalidArgument, "bad token realm \(realm)") }
            request = HTTPRequest(url: url, tls: connection.tls)
        }
        if let credential, refreshToken == nil {
            request.headers.append("Authorization: Basic " + Data("\(credential.username):\(credential.password)".utf8).base64EncodedString())
        }
        let response: HTTPResponse
        do { response = try HTTPTransfer.perform(request) } catch let failure as TransportFailure {
            throw PodError(.system, "cannot reach the token service \(realm) of \(registry): \(failure.detail)")
        }
        guard response.ok else {
            throw PodError(.invalidArgument, "the token service \(realm) of \(registry) refused \(credential == nil ? "an anonymous" : "the") request (HTTP \(response.status)): \(RegistryError.describe(response))" + loginHint)
        }
        struct Token: Decodable { var token: String?; var access_token: String? }
        guard let body = try? JSONDecoder().decode(Token.self, from: Data(response.body)), let token = body.token ?? body.access_token, !token.isEmpty else {
            throw PodError(.invalidArgument, "the token service \(realm) of \(registry) answered without a token")
        }
        return token
    }
}

/// curl's code for a refused connection, as a value the catch pattern above can compare.
let CURLE_COULDNT_CONNECT_CODE = CURLE_COULDNT_CONNECT
let CURLE_PARTIAL_FILE_CODE = CURLE_PARTIAL_FILE

/// The errors a registry sends (distribution-spec, "Error Codes"): `{"errors": [{"code":
/// "MANIFEST_UNKNOWN", "message": "…", "detail": …}]}`.
enum RegistryError {
    static func describe(_ response: HTTPResponse) -> String {
        struct Body: Decodable {
            struct Entry: Decodable { var code: String?; var message: String? }
            var errors: [Entry]?
        }
        if let body = try? JSONDecoder().decode(Body.self, from: Data(response.body)), let errors = body.errors, !errors.isEmpty {
            return errors.map { entry in [entry.message, entry.code.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ") }.joined(separator: "; ")
        }
        let text = String(decoding: response.body.prefix(300), as: UTF8.self).trimmingSpaceAndNewlines()
        return "HTTP \(response.status)" + (text.isEmpty ? "" : ": " + text)
    }
}
