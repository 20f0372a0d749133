import Foundation
import Glibc
import PodCore
import PodLaunch
import PodModel
import PodTestSupport
import Testing
@testable import PodRuntime

/// hostPath binds from the host's mount table (D70, docs/runtime.md "hostPath binds"):
/// read-only only for the bind itself or for every mount below it, and propagation
/// between the host (here the harness's mount namespace, where podctl runs) and the
/// container, checked through the kernel's view on both sides.
@Suite(.serialized) struct HostPathMountTests {
    /// A program in the harness's namespaces (its mount namespace is the pods' "host").
    @discardableResult
    static func host(_ harness: Harness, _ script: String) throws -> Harness.Result {
        let result = try harness.run(["sh", "-c", script], podctl: false)
        guard result.status == 0 else { throw HarnessError("\(script): \(result.status) \(result.stderr)") }
        return result
    }

    static func exec(_ harness: Harness, _ pod: String, _ script: String) throws -> Harness.Result {
        try harness.run(["exec", pod, "--", "sh", "-c", script])
    }

    /// A pod whose container sleeps with `mounts` (YAML flow mappings) of the hostPath `source`.
    static func sleeper(_ name: String, source: String, privileged: Bool = false, mounts: [String]) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          containers:
          - name: c
            image: localhost/busybox:1
            command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            securityContext: {privileged: \(privileged)}
            volumeMounts:
        \(mounts.map { "    - " + $0 }.joined(separator: "\n"))
          volumes: [{name: h, hostPath: {path: \(source), type: Directory}}]
        """
    }

    @Test(.needsRoot) func readOnlyLeavesSubmountsWritableRecursiveReadOnlyDoesNot() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let source = harness.base + "/ro-source"
        // The source a nosuid, nodev mount of its own, with a tmpfs below it.
        try Self.host(harness, "mkdir -p \(source) && mount -t tmpfs -o nosuid,nodev none \(source) && mkdir \(source)/tmpfs && mount -t tmpfs none \(source)/tmpfs")
        defer { _ = try? Self.host(harness, "umount -R \(source)") }
        try harness.apply(Self.sleeper("ro", source: source, mounts: [
            "{name: h, mountPath: /ro, readOnly: true}",
            "{name: h, mountPath: /rro, readOnly: true, recursiveReadOnly: Enabled}",
        ]))
        try harness.waitForRunning("ro", containers: ["c"])
        // Non-recursive (runc's read-only bind): the bind is read-only, the tmpfs below is not.
        #expect(try Self.exec(harness, "ro", "touch /ro/tmpfs/a").status == 0)
        let top = try Self.exec(harness, "ro", "touch /ro/b")
        #expect(top.status != 0 && top.stderr.contains("Read-only file system"), "\(top.stderr)")
        // Recursive: the tmpfs below is read-only too, in this bind only.
        let below = try Self.exec(harness, "ro", "touch /rro/tmpfs/c")
        #expect(below.status != 0 && below.stderr.contains("Read-only file system"), "\(below.stderr)")
        #expect(try Self.host(harness, "ls \(source)/tmpfs").stdout == "a\n")
        // Read-only keeps the host mount's other flags (a remount would drop nosuid and nodev).
        let options = try Self.exec(harness, "ro", "grep ' /ro ' /proc/self/mountinfo").stdout.split(separator: " ").dropFirst(5).first ?? ""
        #expect(Set(options.split(separator: ",")).isSuperset(of: ["ro", "nosuid", "nodev"]), "\(options)")
        try harness.run(["delete", "pod", "ro"])
    }

    @Test(.needsRoot) func mountsPropagateAsAsked() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let source = harness.base + "/shared-source"
        // A shared mount on the host side, as critest makes one.
        try Self.host(harness, "mkdir -p \(source) && mount --bind \(source) \(source) && mount --make-rshared \(source) && mkdir \(source)/later \(source)/fromc")
        defer { _ = try? Self.host(harness, "umount -R \(source)") }
        try harness.apply(Self.sleeper("prop", source: source, privileged: true, mounts: [
            "{name: h, mountPath: /private}",
            "{name: h, mountPath: /slave, mountPropagation: HostToContainer}",
            "{name: h, mountPath: /shared, mountPropagation: Bidirectional}",
        ]))
        try harness.waitForRunning("prop", containers: ["c"])
        // A mount the host makes after the start reaches the slave and the peer, not the private bind.
        try Self.host(harness, "mount -t tmpfs none \(source)/later && touch \(source)/later/flag")
        #expect(try Self.exec(harness, "prop", "ls /slave/later").stdout == "flag\n")
        #expect(try Self.exec(harness, "prop", "ls /shared/later").stdout == "flag\n")
        #expect(try Self.exec(harness, "prop", "ls /private/later").stdout == "")
        // A mount the container makes in the Bidirectional bind appears on the host.
        let made = try Self.exec(harness, "prop", "mount -t tmpfs none /shared/fromc && touch /shared/fromc/inside")
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Self.host(harness, "ls \(source)/fromc").stdout == "inside\n")
        // ... and one made in the slave bind does not.
        #expect(try Self.exec(harness, "prop", "mount -t tmpfs none /slave/fromc && touch /slave/fromc/slave").status == 0)
        #expect(try Self.host(harness, "ls \(source)/fromc").stdout == "inside\n")
        try harness.run(["delete", "pod", "prop"])
    }

    @Test(.needsRoot) func propagationFromAPrivateMountIsRefusedNamingIt() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let source = harness.base + "/private-source"
        try Self.host(harness, "mkdir -p \(source) && mount --bind \(source) \(source) && mount --make-private \(source)")
        defer { _ = try? Self.host(harness, "umount \(source)") }
        let result = try harness.run(["apply", "-f", "-"], stdin: Self.sleeper("priv", source: source, mounts: ["{name: h, mountPath: /slave, mountPropagation: HostToContainer}"]))
        #expect(result.status != 0)
        #expect(result.stderr.contains("the host path \(source) is on mount \(source), which is not shared or slave"), "\(result.stderr)")
        _ = try? harness.run(["delete", "pod", "priv"])
    }
}

/// The planner's propagation rules without root or mounts (RunPlanner.propagation).
struct MountPropagationPlanTests {
    static func mount(_ propagation: String?) throws -> VolumeMount {
        let json = propagation.map { #"{"name": "v", "mountPath": "/m", "mountPropagation": "\#($0)"}"# } ?? #"{"name": "v", "mountPath": "/m"}"#
        return try JSONDecoder().decode(VolumeMount.self, from: Data(json.utf8))
    }

    @Test func onlyAHostPathPropagatesAndNoneNeedsNoCheck() throws {
        let container = try JSONDecoder().decode(Container.self, from: Data(#"{"name": "c"}"#.utf8))
        let emptyDir = MountSource(path: "/nonexistent/volume", forceReadOnly: false)
        #expect(try RunPlanner.propagation(of: Self.mount(nil), container: container, source: emptyDir) == .private)
        #expect(try RunPlanner.propagation(of: Self.mount("None"), container: container, source: emptyDir) == .private)
        do {
            _ = try RunPlanner.propagation(of: Self.mount("HostToContainer"), container: container, source: emptyDir)
            Issue.record("propagation on an emptyDir accepted")
        } catch {
            #expect("\(error)".contains("is served on hostPath volumes of root's pods only"), "\(error)")
        }
    }

    @Test(.needsRoot) func aContainerPlannedAgainIsNotCheckedAgainstTheHost() throws {
        let container = try JSONDecoder().decode(Container.self, from: Data(#"{"name": "c"}"#.utf8))
        let hostPath = MountSource(path: "/nonexistent/host", forceReadOnly: false, hostPath: true)
        #expect(try RunPlanner.propagation(of: Self.mount("Bidirectional"), container: container, source: hostPath, checkHost: false) == .bidirectional)
        // Checked, the missing host path is an error, not a guess.
        #expect(throws: PodError.self) { try RunPlanner.propagation(of: Self.mount("Bidirectional"), container: container, source: hostPath) }
    }
}
