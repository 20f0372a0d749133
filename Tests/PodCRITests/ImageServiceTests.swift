import Foundation
import GRPCCore
import PodCRIProtocol
import PodTestSupport
import Testing

/// The ImageService of the built podctl-cri against Debian's docker-registry on 127.0.0.1.
@Suite(.serialized, .needsRoot, CRIDaemon.built, TestRegistry.needed) struct ImageServiceTests {
    static func pull(_ reference: String, auth: Runtime_V1_AuthConfig? = nil) -> Runtime_V1_PullImageRequest {
        var request = Runtime_V1_PullImageRequest()
        request.image.image = reference
        if let auth { request.auth = auth }
        return request
    }

    static func spec(_ reference: String) -> Runtime_V1_ImageSpec {
        var spec = Runtime_V1_ImageSpec()
        spec.image = reference
        return spec
    }

    @Test func pullListStatusFsInfoAndRemove() async throws {
        let registry = try TestRegistry()
        try registry.push("docker-archive:" + Harness.testImages() + "/busybox-docker.tar", as: "app:1")
        let daemon = try CRIDaemon()
        let name = "\(registry.host)/app:1"
        try await daemon.withClients { _, images in
            let before = try await images.imageFsInfo(Runtime_V1_ImageFsInfoRequest())
            let id = try await images.pullImage(Self.pull(name)).imageRef
            #expect(id.hasPrefix("sha256:") && id.count == 71, "\(id)")

            let listed = try await images.listImages(Runtime_V1_ListImagesRequest()).images
            let image = try #require(listed.first { $0.id == id })
            #expect(image.repoTags == [name])
            #expect(image.repoDigests.count == 1 && image.repoDigests[0].hasPrefix("\(registry.host)/app@sha256:"))
            #expect(image.size > 0)
            var filtered = Runtime_V1_ListImagesRequest()
            filtered.filter.image = Self.spec(name)
            #expect(try await images.listImages(filtered).images.map(\.id) == [id])
            filtered.filter.image = Self.spec("\(registry.host)/absent:1")
            #expect(try await images.listImages(filtered).images.isEmpty)

            var status = Runtime_V1_ImageStatusRequest()
            status.image = Self.spec(name)
            status.verbose = true
            let found = try await images.imageStatus(status)
            #expect(found.image.id == id)
            let info = try #require(found.info["info"])
            #expect(info.contains("\"layers\""), "\(info)")
            status.image = Self.spec(String(id.dropFirst(7).prefix(12)))  // an ID prefix finds it too
            #expect(try await images.imageStatus(status).image.id == id)
            // containerd's rule: an image that is not there is an empty answer, not an error.
            status.image = Self.spec("\(registry.host)/absent:1")
            let missing = try await images.imageStatus(status)
            #expect(!missing.hasImage && missing.info.isEmpty)

            // One store with the CLI: podctl image ls of the same roots shows it.
            let listing = try daemon.harness.run(["image", "ls", "-q"])
            #expect(listing.stdout.contains(String(id.dropFirst(7).prefix(12))), "\(listing.stdout) \(listing.stderr)")

            let usage = try await images.imageFsInfo(Runtime_V1_ImageFsInfoRequest())
            let filesystem = try #require(usage.imageFilesystems.first)
            #expect(filesystem.fsID.mountpoint == daemon.root + "/images")
            #expect(filesystem.usedBytes.value > (before.imageFilesystems.first?.usedBytes.value ?? 0) + 100_000, "busybox's layer is counted")
            #expect(filesystem.inodesUsed.value > 50)
            #expect(filesystem.timestamp > 0)

            var remove = Runtime_V1_RemoveImageRequest()
            remove.image = Self.spec(id)
            _ = try await images.removeImage(remove)
            #expect(try await images.listImages(Runtime_V1_ListImagesRequest()).images.isEmpty)
            _ = try await images.removeImage(remove)  // idempotent, as the CRI requires
            remove.image = Self.spec("never/was:there")
            _ = try await images.removeImage(remove)
            let after = try await images.imageFsInfo(Runtime_V1_ImageFsInfoRequest())
            #expect((after.imageFilesystems.first?.usedBytes.value ?? .max) < filesystem.usedBytes.value, "freed layers are no longer counted")
        }
    }

    /// registries.conf mirrors: registry.k8s.io names are served by the loopback registry
    /// (the location itself is a closed loopback port, so nothing leaves the machine),
    /// with the credential of the request, recorded under the name asked for.
    @Test func pullThroughAMirrorWithTheRequestsCredential() async throws {
        let registry = try TestRegistry(auth: .htpasswd(user: "alice", password: "s3cret"))
        try registry.push("docker-archive:" + Harness.testImages() + "/busybox-docker.tar", as: "e2e-test-images/busybox:1.29-2", extra: "--dest-creds alice:s3cret")
        let closed = try TestRegistry.freePort()
        let daemon = try CRIDaemon(registries: """
            [[registry]]
            prefix = "registry.k8s.io"
            location = "127.0.0.1:\(closed)"
            [[registry.mirror]]
            location = "\(registry.host)"
            """)
        let name = "registry.k8s.io/e2e-test-images/busybox:1.29-2"
        try await daemon.withClients { _, images in
            let anonymous = await rpcFailure { _ = try await images.pullImage(Self.pull(name)) }
            #expect(anonymous != nil)
            #expect(anonymous?.message.contains("from \(registry.host)") == true, "every source's failure is named: \(String(describing: anonymous))")
            #expect(anonymous?.message.contains("from 127.0.0.1:\(closed)") == true, "\(String(describing: anonymous))")

            var auth = Runtime_V1_AuthConfig()
            auth.username = "alice"
            auth.password = "s3cret"
            let id = try await images.pullImage(Self.pull(name, auth: auth)).imageRef
            var status = Runtime_V1_ImageStatusRequest()
            status.image = Self.spec(name)
            let image = try await images.imageStatus(status).image
            #expect(image.id == id)
            #expect(image.repoTags == [name])

            // The docker `auth` form (base64 of user:password), for the mirror's host only.
            var encoded = Runtime_V1_AuthConfig()
            encoded.auth = Data("alice:s3cret".utf8).base64EncodedString()
            encoded.serverAddress = "http://\(registry.host)"
            var remove = Runtime_V1_RemoveImageRequest()
            remove.image = Self.spec(id)
            _ = try await images.removeImage(remove)
            #expect(try await images.pullImage(Self.pull(name, auth: encoded)).imageRef == id)
        }
        #expect(registry.log.contains("/v2/e2e-test-images/busybox/manifests/1.29-2"))
    }
}
