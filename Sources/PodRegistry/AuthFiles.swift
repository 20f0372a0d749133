import Foundation
import Glibc
import PodCore
import PodOS

/// A user name and password for one registry; or the tokens a CRI client may send
/// instead (docker's AuthConfig: an identity token is an OAuth2 refresh token, a
/// registry token is a bearer token sent as it is).
public struct Credential: Sendable, Equatable {
    public var username: String
    public var password: String
    public var identityToken: String?
    public var registryToken: String?

    public init(username: String, password: String, identityToken: String? = nil, registryToken: String? = nil) {
        self.username = username
        self.password = password
        self.identityToken = identityToken
        self.registryToken = registryToken
    }
}

/// The credential files users already have (containers-auth.json(5), docker's
/// config.json): `{"auths": {"HOST": {"auth": base64("user:password")}}}`. podctl reads
/// them in podman's order and writes (login, logout) only the first.
public struct AuthFiles: Sendable {
    public var paths: [String]

    public init(paths: [String]) { self.paths = paths }

    /// `$REGISTRY_AUTH_FILE`; else `$XDG_RUNTIME_DIR/containers/auth.json` (or
    /// `/run/containers/UID/auth.json` without XDG_RUNTIME_DIR, as podman does for root);
    /// then docker's `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`.
    public static func fromEnvironment() -> AuthFiles {
        func env(_ name: String) -> String? { getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        var paths: [String] = []
        if let file = env("REGISTRY_AUTH_FILE") {
            paths.append(file)
        } else if let runtime = env("XDG_RUNTIME_DIR") {
            paths.append(runtime + "/containers/auth.json")
        } else {
            paths.append("/run/containers/\(getuid())/auth.json")
        }
        if let docker = env("DOCKER_CONFIG") {
            paths.append(docker + "/config.json")
        } else if let home = env("HOME") {
            paths.append(home + "/.docker/config.json")
        }
        return AuthFiles(paths: paths)
    }

    /// The file `login` writes.
    public var writable: String { paths[0] }

    /// The credential for `host`: the first file with an entry wins. Docker Hub is also
    /// found under the keys docker writes for it.
    public func credential(for host: String) throws(PodError) -> Credential? {
        for path in paths where Files.exists(path) {
            let auths = try AuthFiles.auths(in: path)
            for key in AuthFiles.keys(for: host) {
                guard let entry = auths[key] as? [String: Any] else { continue }
                if let credential = try AuthFiles.decode(entry, host: host, path: path) { return credential }
            }
        }
        return nil
    }

    /// `podctl login`: adds or replaces the entry of `host`, keeping everything else of
    /// the file; written atomically, 0600.
    public func store(_ credential: Credential, for host: String) throws(PodError) {
        var document = try AuthFiles.document(at: writable)
        var auths = document["auths"] as? [String: Any] ?? [:]
        let token = Data("\(credential.username):\(credential.password)".utf8).base64EncodedString()
        auths[host] = ["auth": token]
        document["auths"] = auths
        try write(document)
    }

    /// `podctl logout`: false when the file had no entry for `host`.
    public func remove(_ host: String) throws(PodError) -> Bool {
        guard Files.exists(writable) else { return false }
        var document = try AuthFiles.document(at: writable)
        guard var auths = document["auths"] as? [String: Any], auths[host] != nil else { return false }
        auths[host] = nil
        document["auths"] = auths
        try write(document)
        return true
    }

    private func write(_ document: [String: Any]) throws(PodError) {
        let bytes: Data
        do { bytes = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]) } catch {
            throw PodError(.internal, "cannot encode \(writable)", cause: .text("\(error)"))
        }
        try Files.makeDirectories(Files.dirname(of: writable), mode: 0o700)
        try AtomicFile.write(Array(bytes) + [10], to: writable, mode: 0o600)
    }

    static func keys(for host: String) -> [String] {
        var keys = [host, "https://" + host, "http://" + host]
        if host == "docker.io" { keys += ["registry-1.docker.io", "index.docker.io", "https://index.docker.io/v1/"] }
        return keys
    }

    private static func document(at path: String) throws(PodError) -> [String: Any] {
        guard Files.exists(path) else { return [:] }
        let bytes = try Files.read(path)
        if bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 9 || $0 == 13 }) { return [:] }
        guard let document = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw PodError(.invalidArgument, "the credential file \(path) is not a JSON object; fix or remove it")
        }
        return document
    }

    private static func auths(in path: String) throws(PodError) -> [String: Any] {
        try document(at: path)["auths"] as? [String: Any] ?? [:]
    }

    private static func decode(_ entry: [String: Any], host: String, path: String) throws(PodError) -> Credential? {
        guard let auth = entry["auth"] as? String, !auth.isEmpty else { return nil }
        guard let data = Data(base64Encoded: auth), let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else {
            throw PodError(.invalidArgument, "the entry for \(host) in \(path) is not base64 of USER:PASSWORD; run podctl login \(host) again")
        }
        return Credential(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }
}
