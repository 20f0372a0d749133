import Foundation
import PodCore
import PodCRIProtocol
import PodRegistry

/// PullImage's `auth` (the kubelet's from imagePullSecrets, crictl's --creds/--auth) as
/// a registry credential, with the host it is for. Docker's AuthConfig rules, as
/// containerd's ParseAuth: `auth` is base64 of `user:password` and wins over
/// `username`/`password`; an identity token is a refresh token; a registry token is
/// sent as it is. Nil when the request carries none: the auth files are used then.
enum PullCredential {
    static func from(_ auth: Runtime_V1_AuthConfig) throws(PodError) -> (credential: Credential, host: String?)? {
        var username = auth.username
        var password = auth.password
        if !auth.auth.isEmpty {
            guard auth.auth.utf8.count <= 8192, let data = Data(base64Encoded: auth.auth), let text = String(data: data, encoding: .utf8),
                  let colon = text.firstIndex(of: ":") else {
                throw PodError(.invalidArgument, "auth.auth: not base64 of USER:PASSWORD")
            }
            username = String(text[..<colon])
            password = String(text[text.index(after: colon)...])
        }
        let identity = auth.identityToken.isEmpty ? nil : auth.identityToken
        let registry = auth.registryToken.isEmpty ? nil : auth.registryToken
        if username.isEmpty && password.isEmpty && identity == nil && registry == nil { return nil }
        let credential = Credential(username: username, password: password, identityToken: identity, registryToken: registry)
        return (credential, try host(auth.serverAddress))
    }

    /// `https://index.docker.io/v1/` → `docker.io`, `http://127.0.0.1:5000` →
    /// `127.0.0.1:5000`; empty → nil (the credential then serves every source of the pull).
    static func host(_ address: String) throws(PodError) -> String? {
        var rest = Substring(address)
        for scheme in ["https://", "http://"] where rest.hasPrefix(scheme) { rest = rest.dropFirst(scheme.count) }
        let host = String(rest.prefix { $0 != "/" })
        if host.isEmpty { return nil }
        guard host.utf8.count <= 255, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }) else {
            throw PodError(.invalidArgument, "auth.server_address: \"\(address)\" is not a registry host[:port]")
        }
        return ["index.docker.io", "registry-1.docker.io"].contains(host) ? "docker.io" : host
    }
}
