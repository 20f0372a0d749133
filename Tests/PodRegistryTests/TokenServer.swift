import Crypto
import Foundation
import Glibc
import PodTestSupport
@testable import PodRegistry

/// A token service for the registry's token auth (distribution's token.md), made for the
/// tests: `GET /token?service=…&scope=…` with Basic credentials `user:password` answers
/// `{"token": JWT}`, a JWT signed ES256 by the test CA's key with the CA in its `x5c`
/// header, which the registry checks against its rootcertbundle. Without the right
/// credentials it answers 401.
final class TokenServer: @unchecked Sendable {
    let port: Int
    let issuer = "podctl-test-issuer"
    let service = "podctl-test-registry"
    private let listener: Int32
    private let key: P256.Signing.PrivateKey
    private let certificateDER: String
    private let user: String
    private let password: String
    private let lock = NSLock()
    private var issued = 0

    var tokensIssued: Int { lock.withLock { issued } }
    var realm: String { "http://127.0.0.1:\(port)/token" }

    init(ca: TestCA, user: String, password: String) throws {
        key = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: ca.key, encoding: .utf8))
        let pem = try String(contentsOfFile: ca.certificate, encoding: .utf8)
        certificateDER = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        self.user = user
        self.password = password
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = CuttingProxy.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else { close(fd); throw TestFailure("the token server cannot listen") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            answer(client)
            close(client)
        }
    }

    private func answer(_ client: Int32) {
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !request.ends(with: Array("\r\n\r\n".utf8)) {
            let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            if count <= 0 { return }
            request += buffer[0..<count]
        }
        let text = String(decoding: request, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let expected = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        let authorized = lines.contains { $0.lowercased().hasPrefix("authorization:") && $0.dropFirst(14).trimmingCharacters(in: .whitespaces) == expected }
        let scope = URLComponents(string: target)?.queryItems?.first { $0.name == "scope" }?.value
        let response: String
        if authorized, let token = try? token(scope: scope) {
            lock.withLock { issued += 1 }
            let body = "{\"token\": \"\(token)\"}"
            response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        } else {
            let body = "{\"details\": \"incorrect username or password\"}"
            response = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        }
        _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// `repository:NAME:pull,push` → the JWT granting it.
    func token(scope: String?) throws -> String {
        var access: [[String: Any]] = []
        if let scope {
            let parts = scope.split(separator: ":", maxSplits: 2).map(String.init)
            if parts.count == 3 {
                access.append(["type": parts[0], "name": parts[1], "actions": parts[2].split(separator: ",").map(String.init)])
            }
        }
        let now = Int(Date().timeIntervalSince1970)
        let header: [String: Any] = ["alg": "ES256", "typ": "JWT", "x5c": [certificateDER]]
        let claims: [String: Any] = ["iss": issuer, "sub": user, "aud": service, "exp": now + 600, "nbf": now - 60, "iat": now,
                                     "jti": UUID().uuidString, "access": access]
        let signingInput = try Self.base64URL(JSONSerialization.data(withJSONObject: header)) + "." + Self.base64URL(JSONSerialization.data(withJSONObject: claims))
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
