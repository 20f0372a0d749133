import Foundation
import Testing
@testable import PodRuntime
import PodCore
import PodImage
import PodModel
import PodRegistry
import PodStore

/// imagePullPolicy decisions and the waiting pod's status, without a registry: what is in
/// the store is made by `image import`; a pull that would be tried goes to a closed port.
struct PullPolicyTests {
    static func pod(_ containers: String, inits: String? = nil) throws -> Pod {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
            \(inits.map { "  initContainers:\n" + $0 } ?? "")
              containers:
            \(containers)
            """
        return try #require(Manifest.parse(text, source: "t.yaml").pods.first)
    }

    final class Fixture {
        let directory = NSTemporaryDirectory() + "podctl-policy-\(UUID().uuidString)"
        lazy var images = ImageStore(directory: directory + "/images")
        deinit { try? FileManager.default.removeItem(atPath: directory) }

        struct Registry: ImagePulling {
            let puller: ImagePuller
            func pull(_ reference: String) throws(PodError) -> ImageRecord { try puller.pull(reference).image.record }
        }

        func pulls() -> ImagePulls {
            ImagePulls(images: images, puller: Registry(puller: ImagePuller(store: images, hosts: RegistryHosts(certificateDirectories: []),
                                                                            auth: AuthFiles(paths: [directory + "/auth.json"]))))
        }

        func importImage(_ name: String) throws {
            let root = directory + "/rootfs"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: root + "/hello", contents: Data("hi".utf8))
            try images.importImage(from: root, name: name, changes: [])
        }
    }

    @Test func neverAndLocalNamesMissingAreWaitingFailuresNotPulls() throws {
        let fixture = Fixture()
        let key = try PodKey(namespace: "default", name: "p")
        var events = PodStatusRecord()
        let never = try Self.pod("  - {name: c, image: \"127.0.0.1:1/x:1\", imagePullPolicy: Never}")
        let failures = try fixture.pulls().ensure(never, key: key, events: &events)
        #expect(failures.map(\.reason) == ["ErrImageNeverPull"])
        #expect(failures.first?.message == "Container image \"127.0.0.1:1/x:1\" is not present with pull policy of Never")
        let local = try Self.pod("  - {name: c, image: localhost/mine:1}\n  - {name: d, image: localhost/mine:1}")
        let localFailures = try fixture.pulls().ensure(local, key: key, events: &events)
        #expect(localFailures.map(\.reason) == ["ErrImagePull", "ErrImagePull"])
        #expect(localFailures.first?.message.contains("never pulls") == true)
        // Nothing was asked of a registry.
        #expect(events.events.isEmpty)
    }

    @Test func presentImagesAreUsedAndLocalOnesNeverPulledEvenWithAlways() throws {
        let fixture = Fixture()
        try fixture.importImage("mine:latest")
        let key = try PodKey(namespace: "default", name: "p")
        var events = PodStatusRecord()
        // `mine` has no tag: its default policy is Always, but a localhost/ image is never pulled.
        let pod = try Self.pod("  - {name: a, image: mine}\n  - {name: b, image: \"localhost/mine:latest\", imagePullPolicy: IfNotPresent}")
        #expect(pod.spec?.containers?.first?.imagePullPolicy == "Always")
        #expect(try fixture.pulls().ensure(pod, key: key, events: &events).isEmpty)
        #expect(events.events.map(\.message) == [
            "Container image \"mine\" already present on machine", "Container image \"localhost/mine:latest\" already present on machine",
        ])
    }

    @Test func aFailedPullIsAFailureWithTheReasonNotAThrow() throws {
        let fixture = Fixture()
        let key = try PodKey(namespace: "default", name: "p")
        var events = PodStatusRecord()
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let pod = try Self.pod("  - {name: c, image: \"127.0.0.1:1/x:1\"}\n  - {name: d, image: \"127.0.0.1:1/x:1\"}")
        let failures = try fixture.pulls().ensure(pod, key: key, events: &events)
        #expect(failures.map(\.container) == ["c", "d"])
        #expect(failures[0].message.contains("127.0.0.1:1"))
        // One image, one pull: the second container shares the first's outcome.
        #expect(events.events.filter { $0.reason == "Pulling" }.count == 1)
    }

    @Test func theWaitingStatusGoesFromErrImagePullToImagePullBackOff() throws {
        let pod = try Self.pod("  - {name: app, image: r.io/app:1}", inits: "  - {name: setup, image: r.io/setup:1}")
        let failures = [ImagePulls.Failure(container: "setup", image: "r.io/setup:1", message: "manifest unknown")]
        var status = PullBackOff.status(for: pod, failures: failures, previous: nil)
        #expect(status.initContainers.first?.state == .waiting(reason: "ErrImagePull", message: "manifest unknown"))
        #expect(status.containers.first?.state == .waiting(reason: "ContainerCreating", message: nil))
        #expect(status.events.first?.object == "spec.initContainers{setup}")
        #expect(status.events.map(\.message).contains("Failed to pull image \"r.io/setup:1\": manifest unknown"))
        PullBackOff.backOff(&status, delay: 20)
        #expect(status.initContainers.first?.state == .waiting(reason: "ImagePullBackOff", message: "Back-off 20s pulling image \"r.io/setup:1\": manifest unknown"))
        #expect(status.events.last?.reason == "BackOff")
        #expect(status.events.last?.message == "Back-off pulling image \"r.io/setup:1\"")
    }

    @Test func theRetryingProcessFindsTheRootsFromThePodDirectories() {
        let roots = PullBackOff.roots(directory: "/var/lib/podctl/pods/team/web", runDirectory: "/run/podctl/pods/team/web")
        #expect(roots == StoreRoots(root: "/var/lib/podctl", runRoot: "/run/podctl"))
    }
}
