import Foundation
import PodTestSupport
import Testing

/// The sentinel itself must see what an escape would do, or every hostile test that
/// relies on it would pass vacuously.
@Suite struct SentinelTests {
    @Test func seesWritesNewFilesAndRemovals() throws {
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
        try "changed\n".write(toFile: sentinel.path + "/canary", atomically: false, encoding: .utf8)
        try "new\n".write(toFile: sentinel.path + "/etc/created", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: sentinel.path + "/etc/passwd")
        let lines = HostSentinel.differences(before, sentinel.snapshot())
        #expect(lines.contains { $0.hasPrefix("changed: canary") })
        #expect(lines.contains { $0.hasPrefix("appeared: etc/created") })
        #expect(lines.contains { $0 == "vanished: etc/passwd" })
    }

    @Test func climbingPathsResolveIntoTheSentinel() throws {
        let sentinel = try HostSentinel()
        let climbing = "/usr/lib/" + sentinel.climbing("canary")
        #expect(URL(fileURLWithPath: climbing).standardizedFileURL.path == sentinel.path + "/canary")
    }
}
