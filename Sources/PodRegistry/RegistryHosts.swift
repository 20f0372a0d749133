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

    public static let defaultCertificateDirectories = ["/etc/podctl/certs.d", "/etc/containers/certs.d", "/etc/docker/certs.d"]
    public static let defaultConfigFile = "/etc/podctl/registries.conf"

    public init(certificateDirectories: [String] = defaultCertificateDirectories, insecure: Set<String> = []) {
        self.certificateDirectories = certificateDirectories
        self.insecure = insecure
    }

    /// From the environment and the configuration file: `PODCTL_CERTS_DIR` replaces the
    /// certificate directories (tests use it), `PODCTL_REGISTRIES_CONF` the file.
    public static func fromEnvironment() throws(PodError) -> RegistryHosts {
        var hosts = RegistryHosts()
        if let directory = getenv("PODCTL_CERTS_DIR").map({ String(cString: $0) }), !directory.isEmpty {
            hosts.certificateDirectories = [directory]
        }
        let file = getenv("PODCTL_REGISTRIES_CONF").map { String(cString: $0) } ?? defaultConfigFile
        if Files.exists(file) { hosts.insecure = try RegistriesConf.insecureLocations(in: Files.readText(file), file: file) }
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

/// The part of containers-registries.conf(5) (TOML, v2) podctl reads: `[[registry]]`
/// tables with `location` and `insecure = true`. Other keys are left alone.
enum RegistriesConf {
    static func insecureLocations(in text: String, file: String) throws(PodError) -> Set<String> {
        var result: Set<String> = []
        var location: String?
        var insecure = false
        func flush() {
            if let location, insecure { result.insert(location) }
            location = nil
            insecure = false
        }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.prefix { $0 != "#" }.trimmingSpaceAndNewlines()
            if line.isEmpty { continue }
            if line.hasPrefix("[") { flush(); continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw PodError(.invalidArgument, "\(file):\(number + 1): expected KEY = VALUE, found \"\(line)\"")
            }
            let key = line[..<equals].trimmingSpaceAndNewlines()
            let value = line[line.index(after: equals)...].trimmingSpaceAndNewlines()
            if key == "location" {
                location = value.trimmingQuotes()
            } else if key == "insecure" {
                guard value == "true" || value == "false" else {
                    throw PodError(.invalidArgument, "\(file):\(number + 1): insecure must be true or false, not \(value)")
                }
                insecure = value == "true"
            }
        }
        flush()
        return result
    }
}

extension String {
    func trimmingQuotes() -> String {
        guard count >= 2, let first, first == "\"" || first == "'", last == first else { return self }
        return String(dropFirst().dropLast())
    }
}
