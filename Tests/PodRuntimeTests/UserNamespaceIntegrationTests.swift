import Foundation
import Glibc
import PodTestSupport
import Testing

/// `hostUsers: false` (docs/security.md): the pod's own user namespace, a block of host
/// IDs per pod, idmapped image layers, root inside unprivileged outside.
@Suite(.serialized) struct UserNamespaceIntegrationTests {
    static func pod(_ name: String, extra: String = "") -> String {
        SecurityIntegrationTests.pod(name, pod: "hostUsers: false\n" + extra, command: "trap 'exit 0' TERM; while true; do sleep 0.2; done")
    }

    @Test(.needsRoot) func rootInsideIsAnUnprivilegedBlockOfHostIDs() throws {
        let (harness, workload) = try SecurityIntegrationTests().start(Self.pod("userns"), "userns")
        // The kernel's view from inside: 0 maps to a non-zero host range of 65536.
        let map = try harness.run(["exec", "userns", "--", "cat", "/proc/self/uid_map"]).stdout.split(whereSeparator: \.isWhitespace)
        #expect(map.count == 3 && map[0] == "0" && map[2] == "65536", "\(map)")
        let hostUID = try #require(map.count == 3 ? UInt32(map[1]) : nil)
        #expect(hostUID >= 65536)
        #expect(try harness.run(["exec", "userns", "--", "cat", "/proc/self/gid_map"]).stdout.split(whereSeparator: \.isWhitespace).first == "0")
        // From outside: the workload is root in the pod and hostUID on the host.
        let status = try SecurityIntegrationTests.status(of: workload)
        #expect(status["Uid"]?.split(whereSeparator: \.isWhitespace).first.map(String.init) == String(hostUID), "\(status["Uid"] ?? "")")
        #expect(try harness.run(["exec", "userns", "--", "id", "-u"]).stdout == "0\n")
        // Image files keep their owners (root, not the overflow ID) without a chown on the host.
        #expect(try harness.run(["exec", "userns", "--", "stat", "-c", "%u:%g", "/bin/busybox"]).stdout == "0:0\n")
        // The writable layer is the pod root's; on the host, a new file is hostUID's.
        #expect(try harness.run(["exec", "userns", "--", "sh", "-c", "echo x > /made-inside && stat -c %u /made-inside"]).stdout == "0\n")
        let upper = harness.base + "/lib/pods/default/userns"
        let made = try FileManager.default.subpathsOfDirectory(atPath: upper).first { $0.hasSuffix("upper/made-inside") }
        let madePath = try #require(made.map { upper + "/" + $0 })
        #expect((try FileManager.default.attributesOfItem(atPath: madePath)[.ownerAccountID] as? NSNumber)?.uint32Value == hostUID)
        // Root in the pod cannot mount, nor write a host-owned file.
        #expect(try harness.run(["exec", "userns", "--", "mount", "-t", "tmpfs", "none", "/mnt"]).status != 0)
        // The exec had the same confinement: in the pod's namespace, default capabilities.
        #expect(try harness.run(["exec", "userns", "--", "sh", "-c", "grep CapEff /proc/self/status"]).stdout.contains(SecurityIntegrationTests.defaultCaps))
        try harness.run(["delete", "pod", "userns", "--grace-period=1"])
        let blocks = (try? String(contentsOfFile: harness.base + "/lib/userns/blocks.json", encoding: .utf8)) ?? ""
        #expect(!blocks.contains("userns"), "the block goes back on delete: \(blocks)")
    }

    @Test(.needsRoot) func podsGetDisjointBlocksAndHostFilesStayTheHosts() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let shared = harness.base + "/hostfiles"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        try "host's\n".write(toFile: shared + "/owned-by-root", atomically: true, encoding: .utf8)
        let volume = "volumes: [{name: host, hostPath: {path: \(shared)}}, {name: scratch, emptyDir: {}}]"
        let mounts = "volumeMounts: [{name: host, mountPath: /host}, {name: scratch, mountPath: /scratch}]"
        for name in ["one", "two"] {
            // procMount: Unmasked needs hostUsers: false; pod two asks for it.
            let container = mounts + (name == "two" ? "\nsecurityContext: {procMount: Unmasked}" : "")
            try harness.apply(SecurityIntegrationTests.pod(name, container: container, pod: "hostUsers: false\n" + volume))
        }
        try harness.waitForRunning("one", containers: ["c"])
        try harness.waitForRunning("two", containers: ["c"])
        let first = try harness.run(["exec", "one", "--", "cat", "/proc/self/uid_map"]).stdout.split(whereSeparator: \.isWhitespace)
        let second = try harness.run(["exec", "two", "--", "cat", "/proc/self/uid_map"]).stdout.split(whereSeparator: \.isWhitespace)
        let a = try #require(first.count == 3 ? UInt64(first[1]) : nil), b = try #require(second.count == 3 ? UInt64(second[1]) : nil)
        #expect(a + 65536 <= b || b + 65536 <= a, "blocks \(a) and \(b) overlap")
        #expect(try harness.run(["exec", "one", "--", "stat", "-c", "%F", "/proc/keys"]).stdout == "character special file\n", "masked by /dev/null")
        #expect(try harness.run(["exec", "two", "--", "stat", "-c", "%F", "/proc/keys"]).stdout.hasPrefix("regular"), "Unmasked")
        // A root-owned host file is nobody's inside, and root in the pod cannot write it.
        #expect(try harness.run(["exec", "one", "--", "stat", "-c", "%u", "/host/owned-by-root"]).stdout == "65534\n")
        #expect(try harness.run(["exec", "one", "--", "sh", "-c", "echo pod >> /host/owned-by-root"]).status != 0)
        #expect(try String(contentsOfFile: shared + "/owned-by-root", encoding: .utf8) == "host's\n")
        // The emptyDir is the pod root's.
        #expect(try harness.run(["exec", "one", "--", "sh", "-c", "echo ok > /scratch/f && cat /scratch/f"]).stdout == "ok\n")
        try harness.run(["delete", "pod", "one", "two", "--grace-period=1"])
    }
}
