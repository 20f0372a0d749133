import Foundation
import PodTestSupport
import Testing

/// D80: a pod's first containers are started beside pod-network and held before their
/// exec; no workload runs before the network is there, and none runs at all when it fails.
@Suite(.serialized) struct StartGateTests {
    /// podctl's helper programs in a directory of their own, `scripts` in place of some.
    static func libexec(_ harness: Harness, replacing scripts: [String: String]) throws -> String {
        let directory = harness.base + "/libexec"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["pod-helper", "pod-pause", "pod-init", "pod-supervisor", "pod-dns", "pod-network"] {
            let path = directory + "/" + name
            if let script = scripts[name] {
                try script.write(toFile: path, atomically: true, encoding: .utf8)
                chmod(path, 0o755)
                continue
            }
            let built = try #require(Harness.built(name), "\(name) is built beside the tests")
            // A hard link keeps the directory the supervisor finds pod-network in (a
            // symbolic link could be resolved to the build directory); a copy elsewhere.
            do { try FileManager.default.linkItem(atPath: built, toPath: path) } catch {
                try FileManager.default.copyItem(atPath: built, toPath: path)
            }
        }
        return directory
    }

    /// A pod-network that waits (so the containers reach the gate first) and then refuses the attach.
    static func libexecWithRefusingNetwork(_ harness: Harness) throws -> String {
        try libexec(harness, replacing: ["pod-network": """
            #!/bin/sh
            cat > /dev/null
            sleep 1
            # Who is in the pod's cgroups now: pause and the held containers' processes.
            for pid in $(find /sys/fs/cgroup -path '*\(harness.cgroupRoot)/*' -name cgroup.procs -exec cat {} + | sort -u); do
              cat /proc/$pid/comm
            done > \(harness.base)/seen-at-answer
            printf '%s' '{"failureReason":"NetworkSetupError","message":"the test refuses the attach"}'

            """])
    }

    /// pod-network starts before the sandbox, to have its own start done when pause is
    /// there; when the sandbox fails it gets no request (end-of-file) and is reaped.
    @Test(.needsRoot) func aFailedSandboxCallsOffTheNetworkProcessStartedAhead() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        harness.environment["PODCTL_LIBEXEC"] = try Self.libexec(harness, replacing: [
            "pod-pause": "",  // executable, but not a program: execve fails with ENOEXEC
            "pod-network": "#!/bin/sh\ncat > \(harness.base)/network-input\necho ended > \(harness.base)/network-ended\n",
        ])
        let result = try harness.run(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: Pod
            metadata: {name: nosandbox}
            spec:
              containers:
              - {name: a, image: localhost/busybox:1, command: ["sleep", "1000"]}
            """)
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot create the pod sandbox"), "\(result.stderr)")
        #expect(try String(contentsOfFile: harness.base + "/network-input", encoding: .utf8).isEmpty, "pod-network was asked nothing")
        #expect(FileManager.default.fileExists(atPath: harness.base + "/network-ended"), "pod-network ended before the supervisor did")
        #expect(try harness.podProcesses().isEmpty)
    }

    @Test(.needsRoot) func aFailedAttachRunsNoWorkloadAndLeavesNoProcess() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let marks = harness.base + "/marks"
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        harness.environment["PODCTL_LIBEXEC"] = try Self.libexecWithRefusingNetwork(harness)
        let result = try harness.run(["apply", "-f", "-"], stdin: """
            apiVersion: v1
            kind: Pod
            metadata: {name: held}
            spec:
              containers:
              - {name: a, image: localhost/busybox:1, command: ["sh", "-c", "touch /marks/a; sleep 1000"], volumeMounts: [{name: m, mountPath: /marks}]}
              - {name: b, image: localhost/busybox:1, command: ["sh", "-c", "touch /marks/b; sleep 1000"], volumeMounts: [{name: m, mountPath: /marks}]}
              volumes: [{name: m, hostPath: {path: \(marks), type: Directory}}]
            """)
        #expect(result.status != 0)
        #expect(result.stderr.contains("the test refuses the attach"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: marks).isEmpty, "no container's workload ran")
        // Both containers were launched before pod-network answered, and waited at the gate.
        let seen = try String(contentsOfFile: harness.base + "/seen-at-answer", encoding: .utf8).split(separator: "\n")
        #expect(seen.filter { $0 == "pod-helper" }.count == 2, "\(seen)")
        #expect(seen.contains("pod-pause"), "\(seen)")
        let left = try harness.run(["sh", "-c", "find /sys/fs/cgroup -path '*\(harness.cgroupRoot)/*' -name cgroup.procs -exec cat {} +"], podctl: false)
        #expect(left.stdout.isEmpty, "no process is left in the pod's cgroups: \(left.stdout)")
    }
}
