import Foundation
import PodTestSupport

/// An image made from the busybox test root with symlinks planted in it, imported as
/// `localhost/hostile:1`. The root also holds a directory at the sentinel's own path, so
/// a link aimed at the sentinel resolves, inside the container's root, to the image's
/// copy: where a mount or a file lands there is visible from inside the container, and
/// the host sentinel shows whether anything got out.
enum HostileImage {
    static let name = "localhost/hostile:1"

    static func load(_ harness: Harness, _ sentinel: HostSentinel, links: [String: String], changes: [String] = []) throws {
        let root = harness.base + "/hostile-root"
        let copy = try harness.run(["cp", "-a", try Harness.testImages() + "/rootfs", root], podctl: false)
        guard copy.status == 0 else { throw HarnessError("cp failed: \(copy.stderr)") }
        try FileManager.default.createDirectory(atPath: root + sentinel.path + "/etc", withIntermediateDirectories: true)
        for (link, target) in links {
            try FileManager.default.createSymbolicLink(atPath: root + link, withDestinationPath: target)
        }
        let result = try harness.run(["image", "import", root, name] + changes.flatMap { ["--change", $0] })
        guard result.status == 0 else { throw HarnessError("image import failed: \(result.stderr)") }
    }
}
