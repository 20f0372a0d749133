import Foundation
import PodCore
import PodTestSupport
import Testing
@testable import PodImage
@testable import PodRegistry

/// The test images (deploy/images/build-test-images.sh), built once per machine.
enum TestImages {
    static let lock = NSLock()

    /// Under a lock: two suites at once would run the script twice into one directory.
    static var directory: String { get throws { try lock.withLock { try Harness.testImages() } } }

    static var dockerArchive: String { get throws { "docker-archive:" + (try directory) + "/busybox-docker.tar" } }

    /// The podctl binary of this build (tests of the CLI run it).
    static var podctl: String { Harness.binary }

    /// The gate of the tests that run it: skipped (failed under CI=true) when it is not built.
    static var podctlBuilt: ConditionTrait { .requires(FileManager.default.isExecutableFile(atPath: podctl), "needs the podctl binary of this build") }
}

/// A store in a temporary directory, and a puller for it.
final class PullFixture {
    let directory = TemporaryDirectory("podctl-pull-store")
    lazy var store = ImageStore(directory: directory.path + "/images")

    func puller(hosts: RegistryHosts = RegistryHosts(certificateDirectories: []), auth: [String] = []) -> ImagePuller {
        ImagePuller(store: store, hosts: hosts, auth: AuthFiles(paths: auth.isEmpty ? [directory.file("no-auth.json")] : auth))
    }

    func entries(_ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/images/" + sub)) ?? []).sorted()
    }
}
