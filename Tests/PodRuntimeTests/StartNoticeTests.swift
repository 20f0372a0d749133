import Foundation
import Glibc
import PodTestSupport
import Testing

/// apply learns that the sandbox is up from the supervisor's start notice pipe (D60):
/// it returns with the sandbox ready in the status, and a supervisor that exits, or
/// closes the pipe, before it notifies is a clear error at once, not a 30 s wait.
@Suite(.serialized) struct StartNoticeTests {
    @Test(.needsRoot) func applyReturnsWithTheSandboxReady() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(TestManifests.sleeper("noticed"))
        // No wait: the notice comes after the status that shows the sandbox is written.
        #expect(try harness.status("noticed")["sandboxReady"] as? Bool == true)
        #expect(try harness.run(["delete", "pod", "noticed", "--now"]).status == 0)
    }

    /// A libexec directory whose pod-supervisor is `script`, the other programs this build's.
    static func libexec(supervisor script: String) throws -> String {
        let directory = try TemporaryDirectory.make("podctl-fake-supervisor")
        for program in ["podctl-cli", "pod-helper", "pod-network", "pod-pause", "pod-init", "pod-dns"] {
            let built = try #require(Harness.built(program), "\(program) is not built")
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/\(program)", withDestinationPath: built)
        }
        let path = directory + "/pod-supervisor"
        try ("#!/bin/sh\n" + script + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return directory
    }

    @Test(.needsRoot, arguments: [
        ("echo 'cannot start: the fake supervisor gives up'; exit 3", "exited before the pod started: cannot start: the fake supervisor gives up"),
        ("echo 'the fake supervisor closed its notice'; exec 3>&-; exec sleep 5", "closed its start notice before the pod started; its log says: the fake supervisor closed its notice"),
    ])
    func aSupervisorThatStopsBeforeNotifyingIsAClearError(script: String, message: String) throws {
        let harness = try Harness()
        try harness.loadBusybox()
        harness.environment["PODCTL_LIBEXEC"] = try Self.libexec(supervisor: script)
        let started = monotonic()
        let result = try harness.run(["apply", "-f", "-"], stdin: TestManifests.sleeper("unnoticed"))
        #expect(monotonic() - started < 10, "apply waited for its 30 s deadline")
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        harness.environment["PODCTL_LIBEXEC"] = nil
        _ = try harness.run(["delete", "pod", "unnoticed", "--now"])
    }

    func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
