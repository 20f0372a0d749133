import Foundation
import Glibc
import PodCore
import PodTestSupport
import Testing
@testable import PodImage
@testable import PodRegistry

/// Pulls from a real registry on loopback (TestRegistry), images pushed by skopeo.
@Suite(.serialized) struct PullTests {
    @Test(TestRegistry.needed)
    func pullsByTagAndByDigest() throws {
        let registry = try TestRegistry()
        try registry.push(try TestImages.dockerArchive, as: "busybox:1")
        let fixture = PullFixture()
        let result = try fixture.puller().pull("\(registry.host)/busybox:1")
        #expect(result.image.names == ["\(registry.host)/busybox:1"])
        let record = result.image.record
        #expect(record.architecture == "amd64")
        let lower = try fixture.store.lowerDirectories(for: record)
        #expect(FileManager.default.fileExists(atPath: lower[0] + "/bin/busybox"))
        #expect(try fixture.store.resolve("\(registry.host)/busybox:1").image.record.id == record.id)
        #expect(fixture.entries("tmp").filter { !$0.hasSuffix(".lock") }.isEmpty)

        // By digest, into another store: the same image, found again by its digest.
        let other = PullFixture()
        let pinned = try other.puller().pull("\(registry.host)/busybox@\(record.digest)")
        #expect(pinned.image.record.id == record.id)
        #expect(pinned.image.names.isEmpty)
        #expect(try other.store.resolve("\(registry.host)/busybox@\(record.digest)").image.record.id == record.id)

        // A digest the registry does not have is the registry's "manifest unknown".
        let missing = try Digest(hex: String(repeating: "a", count: 64))
        let third = PullFixture()
        let error = try #require(throws: PodError.self) { try third.puller().pull("\(registry.host)/busybox@\(missing)") }
        #expect(error.code == .notFound)
        #expect(error.message.contains("manifest unknown"))
    }

    @Test(TestRegistry.needed)
    func resolvesAMultiPlatformIndexForThisHost() throws {
        let registry = try TestRegistry()
        try registry.push(try TestImages.dockerArchive, as: "multi:amd64", extra: "--format oci")
        let fixture = PullFixture()
        let amd64 = try fixture.puller().pull("\(registry.host)/multi:amd64").image.record
        let manifest = try fixture.store.blobs.read(amd64.digest)
        // An arm64 image: the same layer, a config that says arm64, pushed with curl.
        var config = try JSONSerialization.jsonObject(with: Data(try fixture.store.blobs.read(amd64.id))) as! [String: Any]
        config["architecture"] = "arm64"
        let armConfig = Array(try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]))
        let armConfigDigest = Digest.of(armConfig)
        try upload(armConfig, registry: registry, repository: "multi")
        var armManifest = try JSONSerialization.jsonObject(with: Data(manifest)) as! [String: Any]
        armManifest["config"] = ["mediaType": "application/vnd.oci.image.config.v1+json", "digest": armConfigDigest.description, "size": armConfig.count]
        let armManifestBytes = Array(try JSONSerialization.data(withJSONObject: armManifest, options: [.sortedKeys]))
        try put(armManifestBytes, type: "application/vnd.oci.image.manifest.v1+json", registry: registry, path: "multi/manifests/arm64")
        let index: [String: Any] = [
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                ["mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": Digest.of(armManifestBytes).description, "size": armManifestBytes.count,
                 "platform": ["os": "linux", "architecture": "arm64", "variant": "v8"]],
                ["mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd64.digest.description, "size": manifest.count,
                 "platform": ["os": "linux", "architecture": "amd64"]],
            ],
        ]
        let indexBytes = Array(try JSONSerialization.data(withJSONObject: index, options: [.sortedKeys]))
        try put(indexBytes, type: "application/vnd.oci.image.index.v1+json", registry: registry, path: "multi/manifests/1")

        let pulled = PullFixture()
        let record = try pulled.puller().pull("\(registry.host)/multi:1").image.record
        #expect(record.digest == amd64.digest)
        #expect(record.architecture == "amd64")
        #expect(record.indexDigest == Digest.of(indexBytes))
        // Pinned to the index's digest, the stored image is found without a pull.
        #expect(try pulled.store.resolve("\(registry.host)/multi@\(Digest.of(indexBytes))").image.record.id == record.id)
    }

    @Test(TestRegistry.needed)
    func basicAuthWithTheRightAndTheWrongPassword() throws {
        let registry = try TestRegistry(auth: .htpasswd(user: "alice", password: "s3cret"))
        try registry.push(try TestImages.dockerArchive, as: "private:1", extra: "--dest-creds alice:s3cret")
        let fixture = PullFixture()
        let reference = "\(registry.host)/private:1"

        let anonymous = try #require(throws: PodError.self) { try fixture.puller().pull(reference) }
        #expect(anonymous.message.contains("podctl login \(registry.host)"))

        let wrong = AuthFiles(paths: [fixture.directory.file("wrong.json")])
        try wrong.store(Credential(username: "alice", password: "nope"), for: registry.host)
        let refused = try #require(throws: PodError.self) { try fixture.puller(auth: wrong.paths).pull(reference) }
        #expect(refused.message.contains("refused the credentials"))
        #expect(fixture.entries("records").isEmpty)

        let right = AuthFiles(paths: [fixture.directory.file("auth.json")])
        try right.store(Credential(username: "alice", password: "s3cret"), for: registry.host)
        var info = stat()
        #expect(stat(right.writable, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let record = try fixture.puller(auth: right.paths).pull(reference).image.record
        #expect(fixture.store.hasBlob(record.digest))
    }

    @Test(TestRegistry.needed)
    func tokenAuthAnonymousRefusedThenWithACredential() throws {
        let keys = TemporaryDirectory("podctl-token-ca")
        let ca = try TestCA(directory: keys.path, name: "token")
        let tokens = try TokenServer(ca: ca, user: "bob", password: "pw")
        let registry = try TestRegistry(auth: .token(realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, certificate: ca.certificate))
        try registry.push(try TestImages.dockerArchive, as: "tokened:1", extra: "--dest-creds bob:pw")
        let fixture = PullFixture()
        let reference = "\(registry.host)/tokened:1"

        let anonymous = try #require(throws: PodError.self) { try fixture.puller().pull(reference) }
        #expect(anonymous.message.contains("token service"), "\(anonymous.message)")
        #expect(anonymous.message.contains("podctl login"))

        let auth = AuthFiles(paths: [fixture.directory.file("auth.json")])
        try auth.store(Credential(username: "bob", password: "pw"), for: registry.host)
        let before = tokens.tokensIssued
        let record = try fixture.puller(auth: auth.paths).pull(reference).image.record
        #expect(record.architecture == "amd64")
        // One token for the repository serves the manifest and every blob.
        #expect(tokens.tokensIssued == before + 1)
    }

    @Test(TestRegistry.needed)
    func tlsWithATestCAInTheCertificateDirectory() throws {
        let certificates = TemporaryDirectory("podctl-test-ca")
        let ca = try TestCA(directory: certificates.path, name: "ca")
        let server = try ca.issue(directory: certificates.path, name: "server", ip: "127.0.0.1")
        let registry = try TestRegistry(certificate: server)
        // skopeo pushes with the same CA (its --dest-cert-dir takes ca.crt the same way).
        try FileManager.default.createDirectory(atPath: registry.directory.file("skopeo-certs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ca.certificate, toPath: registry.directory.file("skopeo-certs/ca.crt"))
        try registry.push(try TestImages.dockerArchive, as: "secure:1")

        let certsD = TemporaryDirectory("podctl-certs.d")
        try FileManager.default.createDirectory(atPath: certsD.file(registry.host), withIntermediateDirectories: true)
        let fixture = PullFixture()
        let reference = "\(registry.host)/secure:1"

        // With another CA in the host's directory: the certificate is refused, no fallback to HTTP.
        let other = try TestCA(directory: certificates.path, name: "other")
        try FileManager.default.copyItem(atPath: other.certificate, toPath: certsD.file(registry.host + "/ca.crt"))
        let refused = try #require(throws: PodError.self) { try fixture.puller(hosts: RegistryHosts(certificateDirectories: [certsD.path])).pull(reference) }
        #expect(refused.message.contains("certs.d"))

        try FileManager.default.removeItem(atPath: certsD.file(registry.host + "/ca.crt"))
        try FileManager.default.copyItem(atPath: ca.certificate, toPath: certsD.file(registry.host + "/ca.crt"))
        let record = try fixture.puller(hosts: RegistryHosts(certificateDirectories: [certsD.path])).pull(reference).image.record
        #expect(record.architecture == "amd64")
    }

    @Test(TestRegistry.needed)
    func aCorruptedBlobIsRefusedAndNothingIsStored() throws {
        let registry = try TestRegistry()
        try registry.push(try TestImages.dockerArchive, as: "broken:1")
        let probe = PullFixture()
        let layer = try probe.puller().pull("\(registry.host)/broken:1").image.record.layers[0].digest
        // Flip one byte of the layer in the registry's storage: same size, other content.
        let handle = try #require(FileHandle(forUpdatingAtPath: registry.blobFile(layer)))
        try handle.seek(toOffset: 1000)
        let byte = try #require(try handle.read(upToCount: 1)).first!
        try handle.seek(toOffset: 1000)
        try handle.write(contentsOf: Data([byte ^ 0xff]))
        try handle.close()

        let fixture = PullFixture()
        let error = try #require(throws: PodError.self) { try fixture.puller().pull("\(registry.host)/broken:1") }
        #expect(error.message.contains("hash to"))
        #expect(!fixture.store.hasBlob(layer))
        #expect(fixture.entries("records").isEmpty)
        #expect(fixture.entries("layers").isEmpty)
        #expect(fixture.entries("tmp").filter { !$0.hasSuffix(".lock") }.isEmpty)
    }

    @Test(TestRegistry.needed)
    func aConnectionDroppedMidLayerIsResumed() throws {
        let registry = try TestRegistry()
        try registry.push(try TestImages.dockerArchive, as: "flaky:1")
        let proxy = try CuttingProxy(upstreamPort: registry.port, cutAfter: 400_000)
        let fixture = PullFixture()
        let events = EventLog()
        let record = try fixture.puller().pull("127.0.0.1:\(proxy.port)/flaky:1", observer: events).image.record
        #expect(proxy.cuts == 1)
        #expect(proxy.requests.contains { $0.lowercased().contains("range: bytes=") })
        #expect(events.retries == 1)
        #expect(FileManager.default.fileExists(atPath: try fixture.store.lowerDirectories(for: record)[0] + "/bin/busybox"))
    }

    @Test(TestRegistry.needed)
    func aKilledPullsPartialLayerIsResumedByTheNextPull() throws {
        let registry = try TestRegistry()
        try registry.push(try TestImages.dockerArchive, as: "resume:1")
        let probe = PullFixture()
        let layer = try probe.puller().pull("\(registry.host)/resume:1").image.record.layers[0].digest
        // What a killed pull leaves: the first bytes of the layer under its download name.
        let fixture = PullFixture()
        try FileManager.default.createDirectory(atPath: fixture.directory.path + "/images/tmp", withIntermediateDirectories: true)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: registry.blobFile(layer)))
        try bytes.prefix(300_000).write(to: URL(fileURLWithPath: fixture.directory.path + "/images/tmp/download-\(layer.hex)"))
        let proxy = try CuttingProxy(upstreamPort: registry.port, cutAfter: Int.max)
        let record = try fixture.puller().pull("127.0.0.1:\(proxy.port)/resume:1").image.record
        #expect(record.layers[0].digest == layer)
        #expect(proxy.requests.contains { $0.contains("/blobs/\(layer)") && $0.lowercased().contains("range: bytes=300000-") })
        #expect(fixture.entries("tmp").filter { !$0.hasSuffix(".lock") }.isEmpty)
    }

    @Test(TestRegistry.needed, TestImages.podctlBuilt)
    func twoPullsAtOnceFetchEachLayerOnce() throws {
        let registry = try TestRegistry()
        try registry.push(try TestImages.dockerArchive, as: "shared:1")
        let fixture = PullFixture()
        let command = "\(TestImages.podctl) image pull --quiet --root \(fixture.directory.path) --run-root \(fixture.directory.path)/run \(registry.host)/shared:1"
        let first = Process.launchedProcess(launchPath: "/bin/sh", arguments: ["-c", command + " > \(fixture.directory.file("one.out")) 2>&1"])
        let second = Process.launchedProcess(launchPath: "/bin/sh", arguments: ["-c", command + " > \(fixture.directory.file("two.out")) 2>&1"])
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0, "\((try? String(contentsOfFile: fixture.directory.file("one.out"), encoding: .utf8)) ?? "")")
        let record = try fixture.store.resolve("\(registry.host)/shared:1").image.record
        for layer in record.layers {
            #expect(registry.blobGets("shared", layer.digest) == 1)
        }
        #expect(registry.blobGets("shared", record.id) == 1)
    }
}

/// Counts retries, from any thread.
final class EventLog: PullObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var retryCount = 0
    var retries: Int { lock.withLock { retryCount } }
    func pull(_ event: PullEvent) {
        if case .layerRetry = event { lock.withLock { retryCount += 1 } }
    }
}

/// Monolithic blob upload (distribution-spec: POST then PUT with `?digest=`), with curl.
func upload(_ bytes: [UInt8], registry: TestRegistry, repository: String) throws {
    let file = registry.directory.file("upload-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
    let headers = try Shell.run("curl -fsS -D - -o /dev/null -X POST http://\(registry.host)/v2/\(repository)/blobs/uploads/")
    guard let location = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("location:") })?.dropFirst(9).trimmingCharacters(in: .whitespaces) else {
        throw TestFailure("no upload location: \(headers)")
    }
    let url = location.hasPrefix("http") ? location : "http://\(registry.host)\(location)"
    let separator = url.contains("?") ? "&" : "?"
    try Shell.run("curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary @\(file) '\(url)\(separator)digest=\(Digest.of(bytes))'")
}

func put(_ bytes: [UInt8], type: String, registry: TestRegistry, path: String) throws {
    let file = registry.directory.file("put-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
    try Shell.run("curl -fsS -X PUT -H 'Content-Type: \(type)' --data-binary @\(file) http://\(registry.host)/v2/\(path)")
}

/// A certificate authority made with openssl for one test.
struct TestCA {
    let certificate: String
    let key: String

    init(directory: String, name: String) throws {
        certificate = "\(directory)/\(name).crt"
        key = "\(directory)/\(name).key"
        try Shell.run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout \(key) -out \(certificate) -subj /CN=podctl-test-\(name) -days 2 2>&1")
    }

    /// A server certificate for `ip`, signed by this CA.
    func issue(directory: String, name: String, ip: String) throws -> (cert: String, key: String) {
        let cert = "\(directory)/\(name).crt", serverKey = "\(directory)/\(name).key", request = "\(directory)/\(name).csr"
        try "subjectAltName=IP:\(ip)\n".write(toFile: "\(directory)/\(name).ext", atomically: true, encoding: .utf8)
        try Shell.run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout \(serverKey) -out \(request) -subj /CN=\(ip) 2>&1")
        try Shell.run("openssl x509 -req -in \(request) -CA \(certificate) -CAkey \(key) -CAcreateserial -out \(cert) -days 2 -extfile \(directory)/\(name).ext 2>&1")
        return (cert, serverKey)
    }
}
