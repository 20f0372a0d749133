import Foundation
import PodCore
import PodLogs
import PodOS
import PodTestSupport
import Testing

@Suite struct FollowTests {
    /// Starts a follower on a task; the test stops it through `collected.shouldStop`.
    func startFollowing(_ dir: String, _ options: LogOptions = LogOptions(), acrossRestarts: Bool = false, into collected: Collected) -> Task<Void, any Error> {
        let reader = ContainerLogReader(directory: dir, pod: "p", container: "c")
        return Task {
            try await reader.follow(options, acrossRestarts: acrossRestarts, pollInterval: .milliseconds(20), shouldStop: { _ in collected.shouldStop }) { line in
                collected.add(line)
                return true
            }
        }
    }

    @Test func followSeesAppendedLines() async throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        try writer.append(bytes("a\nb\nc\n"), stream: .stdout)
        let collected = Collected()
        let task = startFollowing(dir.path, LogOptions(tail: 2), into: collected)
        #expect(await eventually { collected.lines == ["b", "c"] })
        try writer.append(bytes("d\ne"), stream: .stdout)
        try writer.append(bytes("rr\n"), stream: .stderr)
        try writer.append(bytes("\n"), stream: .stdout)
        #expect(await eventually { collected.lines == ["b", "c", "d", "rr", "e"] })
        // Stopping still delivers what was written before.
        try writer.append(bytes("last\n"), stream: .stdout)
        collected.shouldStop = true
        try await task.value
        #expect(collected.lines == ["b", "c", "d", "rr", "e", "last"])
    }

    @Test func followContinuesAcrossRotations() async throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0, maxFileBytes: 600, maxFiles: 4)
        try writer.append(RotationTests.numbered(0..<5), stream: .stdout)
        let collected = Collected()
        let task = startFollowing(dir.path, into: collected)
        var written = 5
        for batch in 0..<12 {
            // 1 to 3 files worth per batch; each waits for the follower, which must
            // find every line in the rotated files and the new current file.
            let count = 12 + batch * 2
            try writer.append(RotationTests.numbered(written..<written + count), stream: .stdout)
            written += count
            let expected = written
            #expect(await eventually { collected.lines.count >= expected })
        }
        collected.shouldStop = true
        try await task.value
        let expected = (0..<written).map { "line " + String(repeating: "0", count: 6 - String($0).count) + String($0) }
        #expect(collected.lines == expected)
    }

    @Test func followShowsAPartialLineAndItsRest() async throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        let collected = Collected()
        let task = startFollowing(dir.path, LogOptions(timestamps: true), into: collected)
        try writer.append(bytes("prompt> "), stream: .stdout)
        try writer.flushPartial(stream: .stdout)
        #expect(await eventually { collected.text.hasSuffix(" prompt> ") })
        try writer.append(bytes("yes\n"), stream: .stdout)
        #expect(await eventually { collected.text.hasSuffix("Z prompt> yes\n") })
        collected.shouldStop = true
        try await task.value
        // One timestamp for the line: the rest came as a continuation.
        #expect(collected.lines.count == 1)
    }

    @Test func followEndsWithTheInstanceUnlessAskedToGoOn() async throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let first = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        try first.append(bytes("run 0\n"), stream: .stdout)
        let collected = Collected()
        let task = startFollowing(dir.path, into: collected)
        #expect(await eventually { collected.lines == ["run 0"] })
        try first.close()
        let second = try ContainerLogWriter(directory: dir.path, restartCount: 1)
        try second.append(bytes("run 1\n"), stream: .stdout)
        try await task.value  // ends by itself: a newer instance appeared
        #expect(collected.lines == ["run 0"])

        let across = Collected()
        let acrossTask = startFollowing(dir.path, acrossRestarts: true, into: across)
        #expect(await eventually { across.lines == ["run 1"] })
        let third = try ContainerLogWriter(directory: dir.path, restartCount: 2)
        try third.append(bytes("run 2\n"), stream: .stdout)
        #expect(await eventually { across.lines == ["run 1", "run 2"] })
        across.shouldStop = true
        try await acrossTask.value
    }

    @Test func cancellationAndTheCallbackStopAFollower() async throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        let writer = try ContainerLogWriter(directory: dir.path, restartCount: 0)
        try writer.append(bytes("x\n"), stream: .stdout)
        let collected = Collected()
        let task = startFollowing(dir.path, into: collected)
        #expect(await eventually { collected.lines == ["x"] })
        task.cancel()
        try await task.value

        let reader = ContainerLogReader(directory: dir.path, pod: "p", container: "c")
        var calls = 0
        try await reader.follow { _ in
            calls += 1
            return false
        }
        #expect(calls == 1)
        // limitBytes ends a follow as well.
        let limited = Collected()
        try await reader.follow(LogOptions(limitBytes: 1)) { line in
            limited.add(line)
            return true
        }
        #expect(limited.text == "x")
    }

    @Test func followingPreviousIsARead() async throws {
        let dir = TemporaryDirectory("podctl-logs-test")
        try ContainerLogWriter(directory: dir.path, restartCount: 0).append(bytes("old\n"), stream: .stdout)
        try ContainerLogWriter(directory: dir.path, restartCount: 1).append(bytes("new\n"), stream: .stdout)
        let collected = Collected()
        let reader = ContainerLogReader(directory: dir.path, pod: "p", container: "c")
        try await reader.follow(LogOptions(previous: true)) { line in
            collected.add(line)
            return true
        }
        #expect(collected.lines == ["old"])
    }
}
