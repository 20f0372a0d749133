import Glibc
import PodCore
import PodOS

/// Where and how to reach a registry: its endpoint, its certificates, whether it may be
/// reached without TLS (docs/images.md, "Certificates" and "Insecure registries").
public struct RegistryHosts: Sendable {
    /// Directories holding `HOST[:PORT]/ca.crt` (and `client.cert`/`client.key`), the
    /// layout of containers-certs.d(5) and docker's certs.d, searched in order.
    public var certificateDirectories: [String]
    /// Registries reached without certificate checks, or over plain HTTP.
    public var insecure: Set<String>
    /// The `[[registry]]` tables of registries.conf: prefixes, locations and mirrors.
    public var registries: [RegistryEntry]

    public static let defaultCertificateDirectories = ["/etc/podctl/certs.d", "/etc/containers/certs.d", "/etc/docker/certs.d"]
    public static let defaultConfigFile = "/etc/podctl/registries.conf"

    public init(certificateDirectories: [String] = defaultCertificateDirectories, insecure: Set<String> = [], registries: [RegistryEntry] = []) {
        self.certificateDirectories = certificateDirectories
        self.registries = registries
        self.insecure = insecure.union(RegistryHosts.insecureHosts(of: registries))
    }

    /// From the environment and the configuration file: `PODCTL_CERTS_DIR` replaces the
    /// certificate directories (tests use it), `PODCTL_REGISTRIES_CONF` the file.
    public static func fromEnvironment() throws(PodError) -> RegistryHosts {
        let directory = getenv("PODCTL_CERTS_DIR").map { String(cString: $0) } ?? ""
        let file = getenv("PODCTL_REGISTRIES_CONF").map { String(cString: $0) } ?? defaultConfigFile
        return try configured(file: file, certificateDirectories: directory.isEmpty ? defaultCertificateDirectories : [directory])
    }

    /// From a registries.conf (absent: no tables) and certificate directories.
    public static func configured(file: String, certificateDirectories: [String] = defaultCertificateDirectories) throws(PodError) -> RegistryHosts {
        let registries = Files.exists(file) ? try RegistriesConf.parse(Files.readText(file), file: file) : []
        return RegistryHosts(certificateDirectories: certificateDirectories, registries: registries)
    }

    /// The hosts (`host[:port]`, the part of a location before its first `/`) marked
    /// `insecure = true`, of registries and of mirrors.
    static func insecureHosts(of registries: [RegistryEntry]) -> Set<String> {
        func host(_ location: String) -> String { String(location.prefix { $0 != "/" }) }
        var hosts: Set<String> = []
        for entry in registries {
            if entry.insecure && !entry.location.isEmpty { hosts.insert(host(entry.location)) }
            for mirror in entry.mirrors where mirror.insecure { hosts.insert(host(mirror.location)) }
        }
        return hosts
    }

    /// The host libcurl connects to: Docker Hub's API is not served at `docker.io`.
    static func endpointHost(_ domain: String) -> String {
        domain == "docker.io" ? "registry-1.docker.io" : domain
    }

    /// Loopback registries are insecure without saying so, as docker treats 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        let name = host.hasPrefix("[") ? String(host.dropFirst().prefix { $0 != "]" }) : String(host.prefix { $0 != ":" })
        return name == "localhost" || name.hasPrefix("127.") || name == "::1"
    }

    /// How to connect to `host`. A registry with a CA in a certificate directory is
    /// always checked against it, loopback or not: that is what the CA is for.
    func connection(for host: String) -> Connection {
        var tls = TLSSettings()
        var hasCertificates = false
        for directory in certificateDirectories {
            let base = directory + "/" + host
            guard Files.isDirectory(base) else { continue }
            hasCertificates = true
            if let ca = (try? Files.list(base))?.sorted().first(where: { $0.hasSuffix(".crt") }) { tls.caFile = base + "/" + ca }
            if Files.exists(base + "/client.cert") && Files.exists(base + "/client.key") {
                tls.clientCertificate = base + "/client.cert"
                tls.clientKey = base + "/client.key"
            }
            break
        }
        let insecure = !hasCertificates && (self.insecure.contains(host) || RegistryHosts.isLoopback(host))
        if insecure { tls.verify = false }
        return Connection(host: host, endpoint: RegistryHosts.endpointHost(host), tls: tls, mayUsePlainHTTP: insecure)
    }

    struct Connection: Sendable {
        let host: String
        let endpoint: String
        let tls: TLSSettings
        /// Docker's rule for insecure registries: HTTPS without checks first, then HTTP.
        let mayUsePlainHTTP: Bool
    }
}

extension String {
    func trimmingQuotes() -> String {
        guard count >= 2, let first, first == "\"" || first == "'", last == first else { return self }
        return String(dropFirst().dropLast())
    }
}
