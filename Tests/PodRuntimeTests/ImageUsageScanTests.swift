import PodCore
import PodImage
import PodModel
import PodOS
@testable import PodRuntime
import PodStore
import Testing
@testable import PodTestSupport

/// Which images the pods use, read from their applied manifests (ImageUsage+Pods.swift).
@Suite struct ImageUsageScanTests {
    @Test func manifestsNameTheImagesInUseAndUnreadableOnesAreListed() throws {
        let test = TestStore()
        let source = TemporaryDirectory()
        let layer = Fixture.layer { $0.file("a", "a") }
        try Fixture.ociLayout([.init(layers: [layer], refName: "localhost/a:1")]).writeTar(source.file("oci.tar"))
        try test.store.load(from: source.file("oci.tar"), name: nil)
        let state = Store(roots: StoreRoots(root: test.directory.path, runRoot: test.directory.path + "/run"))

        let web = try PodKey(namespace: "default", name: "web")
        var container = Container(name: "app", image: "a:1")  // a short name: found as localhost/a:1
        container.imagePullPolicy = "Never"
        var spec = PodSpec(containers: [container])
        spec.initContainers = [Container(name: "setup", image: "localhost/a:1")]
        try state.write(Pod(metadata: ObjectMeta(name: "web"), spec: spec), to: state.manifestPath(web))
        let broken = try PodKey(namespace: "default", name: "broken")
        try Files.makeDirectories(state.podDirectory(broken))
        try AtomicFile.write("{not json", to: state.manifestPath(broken))

        let usage = try ImageUsage.scan(state, images: test.store)
        #expect(usage.pods(using: try test.store.resolve("a:1").image.record.id) == [web], "once, though two references name it")
        #expect(usage.unreadable == [state.manifestPath(broken)])
    }
}
