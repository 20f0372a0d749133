import Foundation
import Glibc
import PodTestSupport
import Testing

/// Where the built binaries are, and whether this machine can run the namespace tests.
enum TestEnvironment {
    static let unshare = "/usr/bin/unshare"
    static let nsenter = "/usr/bin/nsenter"
    static let shell = "/bin/sh"

    /// The suites' gate: PID namespaces need root and util-linux. Without them the tests
    /// show as skipped; under CI=true they run anyway, so there a skip is a failure.
    static var needed: ConditionTrait {
        .requires(getuid() == 0 && [unshare, nsenter, shell].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) },
                  "needs root to create PID namespaces, and util-linux's unshare and nsenter")
    }

    /// pod-pause (or pod-init) beside the test bundle, in its parent, or in PODCTL_LIBEXEC;
    /// a failure saying to build it when it is in none of them.
    static func built(_ name: String) throws -> String {
        let libexec = ProcessInfo.processInfo.environment["PODCTL_LIBEXEC"].map { [$0] } ?? []
        guard let path = Harness.built(name, orIn: libexec) else { throw HarnessError("\(name) not found beside the test bundle nor in PODCTL_LIBEXEC: build it first") }
        return path
    }
}

/// A scratch directory the workloads drop marker files into.
final class Scratch {
    let directory = TemporaryDirectory("pause-tests")

    init() throws {}

    func file(_ name: String) -> String { directory.file(name) }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }
}
