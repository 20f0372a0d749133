import Foundation
import PodCore
import PodTestSupport
import Testing
@testable import PodImage
@testable import PodRegistry

struct ReferenceTests {
    /// The ecosystem's rule (distribution/reference, docker pull): a short name is on
    /// Docker Hub, a one-component one in library/, no tag means latest.
    @Test(arguments: [
        ("redis", "docker.io/library/redis:latest"),
        ("redis:7", "docker.io/library/redis:7"),
        ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
        ("ghcr.io/o/n:tag", "ghcr.io/o/n:tag"),
        ("localhost:5000/app", "localhost:5000/app:latest"),
        ("host:5000/n@sha256:" + String(repeating: "b", count: 64), "host:5000/n@sha256:" + String(repeating: "b", count: 64)),
        ("quay.io/a/b:1@sha256:" + String(repeating: "c", count: 64), "quay.io/a/b:1@sha256:" + String(repeating: "c", count: 64)),
    ])
    func pullReferences(_ text: String, _ expected: String) throws {
        #expect(try ImagePuller.reference(text).description == expected)
    }

    @Test func badReferencesAreClearErrors() {
        for text in ["Redis", "ghcr.io/o/n:ta g", "a//b", "x@sha256:123"] {
            #expect(throws: PodError.self) { try ImagePuller.reference(text) }
        }
    }

    @Test func dockerHubIsReachedAtItsAPIHost() {
        #expect(RegistryHosts.endpointHost("docker.io") == "registry-1.docker.io")
        #expect(RegistryHosts.endpointHost("ghcr.io") == "ghcr.io")
    }
}

struct ChallengeTests {
    @Test func bearerWithAQuotedScopeHoldingCommas() {
        let challenges = Challenge.parse(#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push""#)
        #expect(challenges == [Challenge(scheme: "bearer", parameters: [
            "realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:library/busybox:pull,push",
        ])])
    }

    @Test func basicAndTwoChallengesInOneHeader() {
        #expect(Challenge.parse(#"Basic realm="Registry Realm""#) == [Challenge(scheme: "basic", parameters: ["realm": "Registry Realm"])])
        let two = Challenge.parse(#"Basic realm="a", Bearer realm="https://t/token",service=s"#)
        #expect(two.map(\.scheme) == ["basic", "bearer"])
        #expect(two[1].parameters["service"] == "s")
    }
}

struct ConfigurationTests {
    @Test func insecureRegistriesFromRegistriesConf() throws {
        let text = """
            # podctl reads location and insecure of [[registry]] tables
            unqualified-search-registries = ["docker.io"]

            [[registry]]
            location = "10.0.0.5:5000"
            insecure = true

            [[registry]]
            location = "ghcr.io"
            insecure = false
            """
        let hosts = RegistryHosts(registries: try RegistriesConf.parse(text, file: "r.conf"))
        #expect(hosts.insecure == ["10.0.0.5:5000"])
        #expect(throws: PodError.self) { try RegistriesConf.parse("[[registry]]\ninsecure = yes\n", file: "r.conf") }
    }

    @Test func mirrorsPrefixesAndLocations() throws {
        let text = """
            [[registry]]
            prefix = "registry.k8s.io"
            location = "registry.k8s.io"
            [[registry.mirror]]
            location = "127.0.0.1:5000/k8s"   # a comment after a value
            insecure = true
            [[registry.mirror]]
            location = 'mirror.example.com'

            [[registry]]
            prefix = "registry.k8s.io/e2e-test-images"
            location = "127.0.0.1:5001/e2e"
            mirror-by-digest-only = true
            [[registry.mirror]]
            location = "127.0.0.1:5002"

            [[registry]]
            prefix = "*.gcr.io"
            [[registry.mirror]]
            location = "127.0.0.1:5003"

            [[registry]]
            location = "blocked.example.com"
            blocked = true
            """
        let entries = try RegistriesConf.parse(text, file: "r.conf")
        #expect(entries.count == 4)
        #expect(entries[0].mirrors == [.init(location: "127.0.0.1:5000/k8s", insecure: true), .init(location: "mirror.example.com")])
        #expect(entries[3].prefix == "blocked.example.com")
        let hosts = RegistryHosts(registries: entries)
        #expect(hosts.insecure == ["127.0.0.1:5000"])
        func sources(_ text: String) throws -> [String] { try hosts.sources(for: ImagePuller.reference(text)).map(\.description) }
        // Mirrors in order, then the location, the prefix replaced in each.
        #expect(try sources("registry.k8s.io/pause:3.10") == ["127.0.0.1:5000/k8s/pause:3.10", "mirror.example.com/pause:3.10", "registry.k8s.io/pause:3.10"])
        // The longest prefix wins; its mirrors only for digests (mirror-by-digest-only).
        #expect(try sources("registry.k8s.io/e2e-test-images/busybox:1.29-2") == ["127.0.0.1:5001/e2e/busybox:1.29-2"])
        let digest = "sha256:" + String(repeating: "a", count: 64)
        #expect(try sources("registry.k8s.io/e2e-test-images/busybox@\(digest)") == ["127.0.0.1:5002/busybox@\(digest)", "127.0.0.1:5001/e2e/busybox@\(digest)"])
        // A prefix matches whole components only.
        #expect(try sources("registry.k8s.iox/pause:1") == ["registry.k8s.iox/pause:1"])
        // Wildcards match subdomains and keep the name's own registry as the location.
        #expect(try sources("gcr.io/x/y:1") == ["gcr.io/x/y:1"])
        #expect(try sources("k8s.gcr.io/x/y:1") == ["127.0.0.1:5003/x/y:1", "k8s.gcr.io/x/y:1"])
        #expect(throws: PodError.self) { try sources("blocked.example.com/a:1") }
        #expect(try sources("docker.io/library/busybox:1") == ["docker.io/library/busybox:1"])
    }

    @Test func registriesConfErrorsNameTheLine() {
        let cases: [(String, String)] = [
            ("[[registry]]\nlocation = \"a\"\nmirror = 1\n", "r.conf:3:"),
            ("[registries.search]\nregistries = []\n", "r.conf:1:"),
            ("[[registry.mirror]]\n", "r.conf:1:"),
            ("[[registry]]\nlocation = \"unterminated\n", "r.conf:2:"),
            ("[[registry]]\nlocation = \"a b\"\n", "r.conf:2:"),
            ("x = 1\n", "r.conf:1:"),
            ("[[registry]]\ninsecure = true\n", "r.conf:1:"),
            ("[[registry]]\nprefix = \"*.a.io\"\nlocation = \"b\"\n", "r.conf:1:"),
            ("[[registry]]\nlocation = \"a\\q\"\n", "r.conf:2:"),
        ]
        // Bounds: a line, the mirrors of one registry, the whole file.
        let long = "[[registry]]\nlocation = \"" + String(repeating: "a", count: 5000) + "\"\n"
        let mirrors = "[[registry]]\nlocation = \"a\"\n" + String(repeating: "[[registry.mirror]]\nlocation = \"m\"\n", count: 65)
        let huge = String(repeating: "# padding\n", count: 120_000)
        for (text, prefix) in cases + [(long, "r.conf:2: the line is longer"), (mirrors, "r.conf:131: more than 64 mirrors"), (huge, "r.conf is larger than 1 MiB")] {
            #expect {
                try RegistriesConf.parse(text, file: "r.conf")
            } throws: { error in
                (error as? PodError)?.message.hasPrefix(prefix) == true
            }
        }
    }
    @Test func loopbackIsInsecureUnlessItHasACertificateDirectory() throws {
        let directory = TemporaryDirectory("podctl-certs")
        try FileManager.default.createDirectory(atPath: directory.file("127.0.0.1:8443"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory.file("127.0.0.1:8443/ca.crt"), contents: Data())
        let hosts = RegistryHosts(certificateDirectories: [directory.path], insecure: ["10.0.0.5:5000"])
        #expect(hosts.connection(for: "127.0.0.1:5000").mayUsePlainHTTP)
        #expect(hosts.connection(for: "localhost:5000").mayUsePlainHTTP)
        #expect(hosts.connection(for: "10.0.0.5:5000").mayUsePlainHTTP)
        #expect(!hosts.connection(for: "ghcr.io").mayUsePlainHTTP)
        let secure = hosts.connection(for: "127.0.0.1:8443")
        #expect(!secure.mayUsePlainHTTP && secure.tls.verify)
        #expect(secure.tls.caFile == directory.file("127.0.0.1:8443/ca.crt"))
    }

    @Test func credentialsFromDockerAndContainersFiles() throws {
        let directory = TemporaryDirectory("podctl-auth")
        let docker = directory.file("config.json")
        let token = Data("carol:pa:ss".utf8).base64EncodedString()
        try #"{"auths": {"https://index.docker.io/v1/": {"auth": "\#(token)"}, "ghcr.io": {}}, "credsStore": "desktop"}"#
            .write(toFile: docker, atomically: true, encoding: .utf8)
        let files = AuthFiles(paths: [directory.file("auth.json"), docker])
        #expect(try files.credential(for: "docker.io") == Credential(username: "carol", password: "pa:ss"))
        #expect(try files.credential(for: "ghcr.io") == nil)

        // login writes the first file, keeps what else it held, 0600; logout removes the entry.
        try files.store(Credential(username: "dave", password: "x"), for: "ghcr.io")
        #expect(try files.credential(for: "ghcr.io") == Credential(username: "dave", password: "x"))
        var info = stat()
        #expect(stat(files.writable, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(try files.remove("ghcr.io"))
        #expect(try !files.remove("ghcr.io"))
        #expect(try files.credential(for: "ghcr.io") == nil)

        try "not json".write(toFile: docker, atomically: true, encoding: .utf8)
        let broken = try #require(throws: PodError.self) { try AuthFiles(paths: [docker]).credential(for: "x.io") }
        #expect(broken.message.contains(docker))
    }

    @Test func loginNormalizesTheRegistryAsDockerDoes() throws {
        #expect(try RegistryLogin.normalize("https://ghcr.io/") == "ghcr.io")
        #expect(try RegistryLogin.normalize("index.docker.io") == "docker.io")
        #expect(try RegistryLogin.normalize("host:5000") == "host:5000")
        #expect(throws: PodError.self) { try RegistryLogin.normalize("") }
    }
}

struct ManifestTests {
    func descriptor(_ architecture: String, _ variant: String?, _ fill: Character) throws -> [String: Any] {
        var platform: [String: Any] = ["os": "linux", "architecture": architecture]
        if let variant { platform["variant"] = variant }
        return ["mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + String(repeating: fill, count: 64), "size": 10, "platform": platform]
    }

    @Test func anIndexResolvesToThisHostsPlatform() throws {
        let index: [String: Any] = ["schemaVersion": 2, "manifests": [
            try descriptor("arm", "v7", "a"), try descriptor("amd64", nil, "b"), try descriptor("s390x", nil, "c"),
        ]]
        let bytes = Array(try JSONSerialization.data(withJSONObject: index))
        guard case let .index(chosen, platforms) = try ImageStore.parseManifest(bytes, contentType: "application/vnd.oci.image.index.v1+json", what: "t") else {
            Issue.record("not read as an index")
            return
        }
        #expect(chosen?.digest.hex == String(repeating: "b", count: 64))
        #expect(platforms == ["linux/arm/v7", "linux/amd64", "linux/s390x"])
        let armOnly = Array(try JSONSerialization.data(withJSONObject: ["schemaVersion": 2, "manifests": [try descriptor("arm64", "v8", "a")]]))
        guard case let .index(none, _) = try ImageStore.parseManifest(armOnly, contentType: nil, what: "t") else { return }
        #expect(none == nil)
    }

    @Test func schemaOneAndForeignLayersAreRefusedWithTheReason() throws {
        let v1 = Array(#"{"schemaVersion": 1, "name": "x", "fsLayers": []}"#.utf8)
        let old = try #require(throws: PodError.self) { try ImageStore.parseManifest(v1, contentType: nil, what: "m") }
        #expect(old.message.contains("schema 1"))
        let foreign = Array("""
            {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
             "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "sha256:\(String(repeating: "a", count: 64))", "size": 1},
             "layers": [{"mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "digest": "sha256:\(String(repeating: "b", count: 64))", "size": 1}]}
            """.utf8)
        let refused = try #require(throws: PodError.self) { try ImageStore.parseManifest(foreign, contentType: nil, what: "m") }
        #expect(refused.message.contains("foreign"))
    }
}
