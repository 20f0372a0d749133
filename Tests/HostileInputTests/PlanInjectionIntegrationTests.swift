import Foundation
import PodTestSupport
import Testing

/// Finding 1 of #14 through the real binaries: the manifests that mounted a host
/// directory read-write and ran a `runAsUser: 1000` workload as root are refused before
/// anything runs, and legitimate values with `=`, `|` and newlines arrive byte-exact.
@Suite(.serialized) struct PlanInjectionIntegrationTests {
    @Test(.needsRoot) func theFindingsExploitsAreRefusedAndTheHostIsUntouched() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let mount = "\\u0000mount=bind|rw|\(sentinel.path)|/tmp|"
        let loop = "while true; do sleep 1; done"
        let exploits: [(manifest: String, field: String)] = [
            ("command: [sh, -c, \"echo pwned > /tmp/canary; \(loop)\"]\nenv: [{name: A, value: \"x\(mount)\"}]", "spec.containers[0].env[0].value"),
            ("command: [sh, -c, \"\(loop)\"]\nenv: [{name: A, value: \"x\\u0000uid=0\"}]\nsecurityContext: {runAsUser: 1000}", "spec.containers[0].env[0].value"),
            ("command: [sh, -c, \"echo pwned > /tmp/canary; \(loop)\(mount)\"]", "spec.containers[0].command[2]"),
            ("command: [sh, -c]\nargs: [\"echo pwned > /tmp/canary; \(loop)\(mount)\"]", "spec.containers[0].args[0]"),
            ("command: [sh, -c, \"\(loop)\", \"x\\u0000uid=0\"]\nsecurityContext: {runAsUser: 1000}", "spec.containers[0].command[3]"),
        ]
        for (index, exploit) in exploits.enumerated() {
            for dryRun in [["--dry-run"], []] {
                let result = try harness.run(["apply"] + dryRun + ["-f", "-"], stdin: Harness.busyboxPod("x\(index)", container: exploit.manifest))
                #expect(result.status == 1, "\(exploit.field) \(dryRun): \(result.stdout) \(result.stderr)")
                #expect(result.stderr.contains("\(exploit.field): Invalid value:") && result.stderr.contains("must not contain a NUL byte"), "\(result.stderr)")
            }
            #expect(try harness.run(["get", "pod", "x\(index)"]).status != 0, "nothing was created")
        }
        #expect(HostSentinel.differences(before, sentinel.snapshot()) == [])
    }

    /// A Secret's data is binary once decoded, so validation cannot see a NUL in it; the
    /// planner refuses it where it would become an environment entry.
    @Test(.needsRoot) func aSecretValueWithANULIsRefusedAsAnEnvironmentEntry() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: \(Data("x\0uid=0".utf8).base64EncodedString())}\n---\n"
        let manifest = secret + Harness.busyboxPod("sec", container: "command: [sh, -c, \"sleep 1000\"]\nenv: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k}}}]")
        let result = try harness.run(["apply", "-f", "-"], stdin: manifest)
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("container c: the environment variable \"A\" holds a NUL byte"), "\(result.stderr)")
        #expect(!result.stderr.contains("uid=0"), "a Secret's value is never echoed")
        _ = try? harness.run(["delete", "pod", "sec"])
    }

    @Test(.needsRoot) func valuesWithEqualsPipesAndNewlinesArriveByteExactAsTheGivenUser() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let manifest = Harness.busyboxPod("legit", container: """
            command: [sh, -c, "while true; do sleep 1; done", "mount=bind|rw|/|/tmp|"]
            env: [{name: V, value: "a=b|c\\nuid=0\\td|rw|/x|/tmp|"}, {name: W, value: "mount=bind|rw|/|/tmp|"}]
            securityContext: {runAsUser: 1000}
            """)
        try harness.apply(manifest)
        defer { _ = try? harness.run(["delete", "pod", "legit"]) }
        try harness.waitForRunning("legit", containers: ["c"])
        let pid = try #require(try harness.containerPID("legit", "c"))
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ")).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        for (name, value) in [("V", "a=b|c\nuid=0\td|rw|/x|/tmp|"), ("W", "mount=bind|rw|/|/tmp|")] {
            #expect(environ.contains(name + "=" + value), "the container's init: \(environ)")
            let result = try harness.run(["exec", "legit", "--", "sh", "-c", "printf %s \"$\(name)\""])
            #expect(result.stdout == value, "exec: \(result.status) \(result.stdout.debugDescription) \(result.stderr)")
        }
        let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        #expect(cmdline.last == "mount=bind|rw|/|/tmp|", "\(cmdline)")
        #expect(try harness.run(["exec", "legit", "--", "id", "-u"]).stdout == "1000\n")
        // No mount was added from a value: the container's /tmp is the image's.
        let mounts = try harness.run(["exec", "legit", "--", "cat", "/proc/self/mountinfo"]).stdout
        #expect(!mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst(4).first == "/tmp" }, "\(mounts)")
    }
}
