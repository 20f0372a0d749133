import Foundation
import PodRuntime
import PodTestSupport
import Testing

/// `podctl cp` both ways (docs/cli.md, "cp"); the hostile side is CopyEscapeTests.
@Suite(.serialized) struct CopyTests {
    @Test func fileSpecsSplitAsKubectlSplitsThem() throws {
        #expect(try CopySpec.parse("/tmp/x") == CopySpec(path: "/tmp/x"))
        #expect(try CopySpec.parse("web:/tmp/x") == CopySpec(pod: "web", path: "/tmp/x"))
        #expect(try CopySpec.parse("team/web:/tmp/x") == CopySpec(namespace: "team", pod: "web", path: "/tmp/x"))
        #expect(throws: (any Error).self) { try CopySpec.parse(":/tmp/x") }
        #expect(throws: (any Error).self) { try CopySpec.parse("a/b/c:/tmp/x") }
        func message(_ source: String, _ destination: String) -> String? {
            do { _ = try CopySpec.pair(source, destination); return nil } catch { return "\(error)" }
        }
        #expect(message("web:/a", "db:/b") == "one of src or dest must be a local file specification")
        #expect(message("/a", "/b") == "one of src or dest must be a remote file specification")
        #expect(message("web:", "/b") == "filepath can not be empty")
        #expect(message("web:/a", "/b") == nil)
    }

    @Test(.needsRoot) func copiesAFileAndADirectoryBothWays() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Harness.busyboxPod("box", container: "command: [sleep, '1000']"))
        try harness.waitForRunning("box", containers: ["c"])
        let local = harness.base + "/local"
        try FileManager.default.createDirectory(atPath: local + "/tree/sub", withIntermediateDirectories: true)
        try "one\n".write(toFile: local + "/file.txt", atomically: false, encoding: .utf8)
        try "two\n".write(toFile: local + "/tree/a", atomically: false, encoding: .utf8)
        try "three\n".write(toFile: local + "/tree/sub/b", atomically: false, encoding: .utf8)
        // Local to pod: a file to a new name, a directory into an existing directory.
        #expect(try harness.run(["cp", local + "/file.txt", "box:/tmp/copied.txt"]).status == 0)
        #expect(try harness.run(["exec", "box", "--", "cat", "/tmp/copied.txt"]).stdout == "one\n")
        #expect(try harness.run(["cp", local + "/tree", "box:/tmp", "-c", "c"]).status == 0)
        #expect(try harness.run(["exec", "box", "--", "cat", "/tmp/tree/a", "/tmp/tree/sub/b"]).stdout == "two\nthree\n")
        // Pod to local: a file, and a directory under a new name.
        let back = try harness.run(["cp", "box:/tmp/copied.txt", local + "/back.txt"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try String(contentsOfFile: local + "/back.txt", encoding: .utf8) == "one\n")
        #expect(try harness.run(["cp", "default/box:/tmp/tree", local + "/tree-back"]).status == 0)
        #expect(try String(contentsOfFile: local + "/tree-back/a", encoding: .utf8) == "two\n")
        #expect(try String(contentsOfFile: local + "/tree-back/sub/b", encoding: .utf8) == "three\n")
        // kubectl's refusals and a missing source.
        #expect(try harness.run(["cp", "/a", "/b"]).stderr.contains("error: one of src or dest must be a remote file specification"))
        let missing = try harness.run(["cp", "box:/tmp/nothing", local + "/nothing"])
        #expect(missing.status != 0 && missing.stderr.contains("command terminated with exit code"), "\(missing.stderr)")
        #expect(try harness.run(["cp", local + "/absent", "box:/tmp/x"]).stderr.contains("doesn't exist in local filesystem"))
    }
}
