import PodCore

/// `podctl login` / `logout`: checks a credential against the registry (`GET /v2/`, the
/// API version check of the distribution spec, answered 200 only to an accepted
/// credential) before storing it, as `docker login` and `podman login` do.
public enum RegistryLogin {
    public static func verify(_ registry: String, credential: Credential, hosts: RegistryHosts) throws(PodError) {
        let host = try normalize(registry)
        let client = RegistryClient(connection: hosts.connection(for: host), repository: "", credential: credential)
        let response: HTTPResponse
        do { response = try client.get("") } catch {
            throw BlobFetcher.podError(error, what: "the API root /v2/", registry: host)
        }
        guard response.ok else {
            throw PodError(.invalidArgument, "\(host) refused the login of \(credential.username) (HTTP \(response.status)): \(RegistryError.describe(response))")
        }
    }

    /// `REGISTRY` as given (`https://ghcr.io/`, `docker.io`, `host:5000`) → the key the
    /// auth file uses: the host and port only.
    public static func normalize(_ registry: String) throws(PodError) -> String {
        var host = Substring(registry)
        for scheme in ["https://", "http://"] where host.hasPrefix(scheme) { host = host.dropFirst(scheme.count) }
        host = host.prefix { $0 != "/" }
        if host == "index.docker.io" || host == "registry-1.docker.io" { host = "docker.io" }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "@" }) else {
            throw PodError(.invalidArgument, "\"\(registry)\" is not a registry: give HOST[:PORT], as in podctl login ghcr.io")
        }
        return String(host)
    }
}
