import Foundation
import Glibc
import Testing

/// Where the built binaries are, and whether this machine can run the namespace tests.
enum TestEnvironment {
    static let unshare = "/usr/bin/unshare"
    static let nsenter = "/usr/bin/nsenter"
    static let shell = "/bin/sh"

    /// pod-pause (or pod-init) beside the test bundle, in its parent, or in PODCTL_LIBEXEC.
    static func binary(_ name: String) -> String? {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [bundle, bundle.deletingLastPathComponent()]
        if let libexec = ProcessInfo.processInfo.environment["PODCTL_LIBEXEC"] {
            candidates.append(URL(fileURLWithPath: libexec))
        }
        return candidates.map { $0.appendingPathComponent(name).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a test may run. PID namespaces need root and util-linux; without them the
    /// test is skipped with a message, and under CI=true a skip is a failure.
    static func ready(needing tools: [String] = [unshare]) -> Bool {
        guard getuid() == 0 else { return skip("needs root to create PID namespaces") }
        for tool in tools + [shell] where !FileManager.default.isExecutableFile(atPath: tool) {
            return skip("needs \(tool)")
        }
        for name in ["pod-pause", "pod-init"] where binary(name) == nil {
            Issue.record("\(name) not found beside the test bundle nor in PODCTL_LIBEXEC: build it first")
            return false
        }
        return true
    }

    private static func skip(_ reason: String) -> Bool {
        print("PauseTests: skipped: \(reason)")
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("skipped under CI=true: \(reason)")
        }
        return false
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
/// The only way these tests wait: never a fixed sleep standing in for a condition.
func waitUntil(_ timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// A scratch directory the workloads drop marker files into.
final class Scratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("pause-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
