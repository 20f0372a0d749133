import Foundation
import PodTestSupport
import Testing

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

/// One attack on the host: a harness that runs podctl, a sentinel outside every root and
/// its state before. `run` records the sentinel's verdict however the test ends.
struct Attack {
    let harness: Harness
    let sentinel: HostSentinel
    let before: [HostSentinel.Entry]

    /// What changed under the sentinel since the attack began; empty when nothing did.
    var hostChanges: [String] { HostSentinel.differences(before, sentinel.snapshot()) }

    static func run(loadingBusybox: Bool = false, _ body: (Attack) throws -> Void) throws {
        let harness = try Harness()
        if loadingBusybox { try harness.loadBusybox() }
        let sentinel = try HostSentinel()
        let attack = Attack(harness: harness, sentinel: sentinel, before: sentinel.snapshot())
        defer { #expect(attack.hostChanges == []) }
        try body(attack)
    }
}
