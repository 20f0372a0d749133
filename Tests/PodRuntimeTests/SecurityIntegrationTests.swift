import Foundation
import Glibc
import PodTestSupport
import Testing

/// Confinement (docs/security.md) through the real binaries, checked against the
/// kernel's view of the processes: /proc/PID/status of the workload (the child of the
/// container's init) and of exec'd commands.
@Suite(.serialized) struct SecurityIntegrationTests {
    /// The runtimes' default set, as CapBnd shows it.
    static let defaultCaps = "00000000a80425fb"

    static func pod(_ name: String, container: String = "", pod: String = "", command: String = "trap 'exit 0' TERM; while true; do sleep 0.2; done") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: 2
        \(pod.isEmpty ? "" : pod.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
          containers:
          - name: c
            image: localhost/busybox:1
            command: ["sh", "-c", "\(command)"]
        \(container.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    /// Starts a pod and returns the harness and the workload's host PID.
    func start(_ manifest: String, _ name: String) throws -> (Harness, pid_t) {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(manifest)
        try harness.waitForRunning(name, containers: ["c"])
        let initPID = try #require(try harness.containerPID(name, "c"))
        var workload: pid_t = 0
        try harness.waitFor("the workload under pod-init") {
            let children = (try? String(contentsOfFile: "/proc/\(initPID)/task/\(initPID)/children", encoding: .utf8)) ?? ""
            workload = children.split(separator: " ").first.flatMap { pid_t($0) } ?? 0
            return workload > 0
        }
        return (harness, workload)
    }

    /// `CapEff`, `NoNewPrivs`, … of a status file.
    static func fields(_ status: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return fields
    }

    static func status(of pid: pid_t) throws -> [String: String] {
        fields(try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8))
    }

    func exec(_ harness: Harness, _ pod: String, _ script: String) throws -> Harness.Result {
        try harness.run(["exec", pod, "--", "sh", "-c", script])
    }

    /// The capabilities this test process holds: what "every capability" is here.
    static var ownCapabilities: String { (try? status(of: getpid())["CapEff"]) ?? "" }

    /// A 107-byte static i386 program: `unshare(CLONE_NEWUSER)` through `int 0x80` (the
    /// 32-bit ABI, call 310), exit code the errno (0 on success).
    static let unshare32 = "7f454c46010101000000000000000000020003000100000054800408340000000000000000000000340020000100000000000000010000000000000000800408008004086b0000006b0000000500000000100000b836010000bb00000010cd80f7d889c3b801000000cd80"

    /// A host directory holding `unshare32`, and the pod fields that mount it at /abi.
    static func abiVolume(_ harness: Harness) throws -> (container: String, pod: String) {
        let directory = harness.base + "/abi"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var bytes: [UInt8] = []
        var index = unshare32.startIndex
        while index < unshare32.endIndex {
            let next = unshare32.index(index, offsetBy: 2)
            bytes.append(UInt8(unshare32[index..<next], radix: 16)!)
            index = next
        }
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/unshare32"))
        chmod(directory + "/unshare32", 0o755)
        return ("volumeMounts: [{name: abi, mountPath: /abi}]", "volumes: [{name: abi, hostPath: {path: \(directory), type: Directory}}]")
    }

    @Test(.needsRoot) func aDefaultContainerIsConfinedAndSoIsItsExec() throws {
        let (harness, workload) = try start(Self.pod("plain"), "plain")
        defer { _ = try? harness.run(["delete", "pod", "plain"]) }
        for (who, fields) in [("workload", try Self.status(of: workload)), ("exec", Self.fields(try exec(harness, "plain", "cat /proc/self/status").stdout))] {
            #expect(fields["CapEff"] == Self.defaultCaps, "\(who)")
            #expect(fields["CapPrm"] == Self.defaultCaps, "\(who)")
            #expect(fields["CapBnd"] == Self.defaultCaps, "\(who)")
            #expect(fields["CapInh"] == "0000000000000000", "\(who)")
            #expect(fields["CapAmb"] == "0000000000000000", "\(who)")
            #expect(fields["NoNewPrivs"] == "1", "\(who)")
            #expect(fields["Seccomp"] == "2", "\(who)")
        }
        // The filter answers EPERM, and the capabilities are gone as well.
        let mount = try exec(harness, "plain", "mount -t tmpfs none /tmp")
        #expect(mount.status != 0)
        #expect(mount.stderr.contains("permission denied"), "\(mount.stderr)")
        // A user namespace needs no capability: only the filter refuses it.
        let unshare = try exec(harness, "plain", "unshare -U true")
        #expect(unshare.status != 0)
        #expect(unshare.stderr.contains("Operation not permitted"))
        // keyctl, add_key and request_key are not in busybox; `nsenter` makes setns,
        // which the filter refuses without CAP_SYS_ADMIN.
        #expect(try exec(harness, "plain", "nsenter -t 1 -n true").status != 0)
        // Host-wide kernel settings are read-only, /sys too.
        let hostname = try exec(harness, "plain", "echo x > /proc/sys/kernel/hostname")
        #expect(hostname.status != 0)
        #expect(hostname.stderr.contains("Read-only file system"))
        #expect(try exec(harness, "plain", "touch /sys/kernel/x").status != 0)
        // Masked: kernel memory and timers read as nothing, /sys/firmware is empty (the
        // paths this kernel lacks, like /proc/kcore in some VMs, are skipped).
        if FileManager.default.fileExists(atPath: "/proc/kcore") {
            #expect(try exec(harness, "plain", "wc -c < /proc/kcore").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
        if FileManager.default.fileExists(atPath: "/proc/timer_list") {
            #expect(try exec(harness, "plain", "wc -c < /proc/timer_list").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
        if FileManager.default.fileExists(atPath: "/sys/firmware") {
            #expect(try exec(harness, "plain", "ls -A /sys/firmware").stdout == "")
        }
        // pause holds the namespaces with no capabilities at all.
        let pause = pid_t(try harness.status("plain")["pausePID"] as? Int ?? 0)
        #expect(try Self.status(of: pause)["CapEff"] == "0000000000000000")
        #expect(try Self.status(of: pause)["CapBnd"] == "0000000000000000")
        #expect(try Self.status(of: pause)["NoNewPrivs"] == "1")
    }

    @Test(.needsRoot) func privilegedHasEveryCapabilityNoFilterAndWritableKernelFiles() throws {
        let (harness, workload) = try start(Self.pod("priv", container: "securityContext: {privileged: true}"), "priv")
        defer { _ = try? harness.run(["delete", "pod", "priv"]) }
        let fields = try Self.status(of: workload)
        #expect(fields["CapEff"] == Self.ownCapabilities)
        #expect(fields["NoNewPrivs"] == "0")
        #expect(fields["Seccomp"] == "0")
        let mount = try exec(harness, "priv", "mount -t tmpfs none /tmp && grep -c ' /tmp ' /proc/mounts")
        #expect(mount.status == 0, "\(mount.stderr)")
        #expect(try exec(harness, "priv", "grep ' /sys ' /proc/mounts").stdout.contains(" rw,"))
        #expect(try exec(harness, "priv", "grep -c ' /proc/sys ' /proc/mounts").stdout == "0\n", "no read-only /proc/sys")
        if FileManager.default.fileExists(atPath: "/proc/timer_list") {
            #expect(try exec(harness, "priv", "wc -c < /proc/timer_list").stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "0")
        }
    }

    @Test(.needsRoot) func aNonRootUserHasNoCapabilitiesWithinTheDefaultBoundingSet() throws {
        let manifest = Self.pod("user", container: "securityContext: {runAsUser: 1000, runAsGroup: 2000}", pod: "securityContext: {supplementalGroups: [3000]}")
        let (harness, workload) = try start(manifest, "user")
        defer { _ = try? harness.run(["delete", "pod", "user"]) }
        for (who, fields) in [("workload", try Self.status(of: workload)), ("exec", Self.fields(try exec(harness, "user", "cat /proc/self/status").stdout))] {
            #expect(fields["Uid"]?.split(separator: "\t").allSatisfy { $0 == "1000" } == true, "\(who): \(fields["Uid"] ?? "")")
            #expect(fields["Gid"]?.split(separator: "\t").allSatisfy { $0 == "2000" } == true, "\(who)")
            #expect(fields["Groups"] == "3000", "\(who)")
            #expect(fields["CapEff"] == "0000000000000000", "\(who)")
            #expect(fields["CapPrm"] == "0000000000000000", "\(who)")
            #expect(fields["CapBnd"] == Self.defaultCaps, "\(who)")
            #expect(fields["NoNewPrivs"] == "1", "\(who)")
            #expect(fields["Seccomp"] == "2", "\(who)")
        }
        #expect(try exec(harness, "user", "id -u").stdout == "1000\n")
    }

    @Test(.needsRoot) func allowedEscalationLeavesNoNewPrivsOffButTheFilterOn() throws {
        // The filter is then loaded before setuid, while the helper has CAP_SYS_ADMIN.
        let manifest = Self.pod("esc", container: "securityContext: {runAsUser: 1000, allowPrivilegeEscalation: true}")
        let (harness, workload) = try start(manifest, "esc")
        defer { _ = try? harness.run(["delete", "pod", "esc"]) }
        let fields = try Self.status(of: workload)
        #expect(fields["NoNewPrivs"] == "0")
        #expect(fields["Seccomp"] == "2")
        #expect(fields["Uid"]?.hasPrefix("1000") == true)
        #expect(try exec(harness, "esc", "unshare -U true").status != 0)
    }

    @Test(.needsRoot) func addAndDropShapeTheSets() throws {
        let manifest = Self.pod("caps", container: "securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, CAP_SYS_ADMIN]}}")
        let (harness, workload) = try start(manifest, "caps")
        defer { _ = try? harness.run(["delete", "pod", "caps"]) }
        let fields = try Self.status(of: workload)
        #expect(fields["CapBnd"] == "0000000000200400")
        #expect(fields["CapEff"] == "0000000000200400")
        // SYS_ADMIN kept: no_new_privs defaults off and the filter allows mount.
        #expect(fields["NoNewPrivs"] == "0")
        #expect(try exec(harness, "caps", "mount -t tmpfs none /tmp").status == 0)
        let chown = try exec(harness, "caps", "touch /tmp/f && chown 5 /tmp/f")
        #expect(chown.status != 0, "CAP_CHOWN dropped")
    }

    @Test(.needsRoot) func readOnlyRootRefusesWritesButNotToVolumes() throws {
        let manifest = Self.pod("ro", container: "securityContext: {readOnlyRootFilesystem: true}\nvolumeMounts: [{name: scratch, mountPath: /scratch}]",
                                pod: "volumes: [{name: scratch, emptyDir: {}}]")
        let (harness, _) = try start(manifest, "ro")
        defer { _ = try? harness.run(["delete", "pod", "ro"]) }
        let root = try exec(harness, "ro", "touch /file")
        #expect(root.status != 0)
        #expect(root.stderr.contains("Read-only file system"))
        #expect(try exec(harness, "ro", "touch /scratch/file && ls /scratch").stdout == "file\n")
    }

    @Test(.needsRoot) func unconfinedSeccompAndLocalhostProfiles() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let directory = harness.base + "/lib/seccomp/profiles"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try #"""
        {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
         "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
        """#.write(toFile: directory + "/no-mkdir.json", atomically: true, encoding: .utf8)
        try #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"]}]}"#.write(toFile: directory + "/broken.json", atomically: true, encoding: .utf8)

        let abi = try Self.abiVolume(harness)
        try harness.apply(Self.pod("local", container: "securityContext: {seccompProfile: {type: Localhost, localhostProfile: profiles/no-mkdir.json}}"))
        try harness.apply(Self.pod("open", container: abi.container, pod: "securityContext: {seccompProfile: {type: Unconfined}}\n" + abi.pod))
        try harness.apply(Self.pod("confined", container: abi.container, pod: abi.pod))
        defer { for pod in ["local", "open", "confined"] { _ = try? harness.run(["delete", "pod", pod]) } }
        for pod in ["local", "open", "confined"] { try harness.waitForRunning(pod, containers: ["c"]) }
        // The filter covers the 32-bit ABI: an i386 program's unshare(CLONE_NEWUSER) gets
        // EPERM (exit 1), not a kill for a foreign architecture, and succeeds unconfined.
        #expect(try exec(harness, "confined", "/abi/unshare32; echo $?").stdout == "1\n")
        #expect(try exec(harness, "open", "/abi/unshare32; echo $?").stdout == "0\n")
        let mkdir = try exec(harness, "local", "mkdir /tmp/d")
        #expect(mkdir.status != 0)
        #expect(mkdir.stderr.contains("Operation not permitted"))
        #expect(try exec(harness, "local", "unshare -U true").status == 0, "only what the profile refuses is refused")
        #expect(try exec(harness, "open", "grep Seccomp: /proc/self/status").stdout == "Seccomp:\t0\n")
        #expect(try exec(harness, "open", "unshare -U true && mkdir /tmp/d").status == 0)

        let broken = try harness.run(["apply", "-f", "-"], stdin: Self.pod("broken", container: "securityContext: {seccompProfile: {type: Localhost, localhostProfile: profiles/broken.json}}"))
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("the seccomp profile \(directory)/broken.json is not valid: \"action\" is missing at syscalls[0]"), "\(broken.stderr)")
        let missing = try harness.run(["apply", "-f", "-"], stdin: Self.pod("missing", container: "securityContext: {seccompProfile: {type: Localhost, localhostProfile: nope.json}}"))
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot read the seccomp profile \(harness.base)/lib/seccomp/nope.json"), "\(missing.stderr)")
        #expect(!(try harness.run(["get", "pods"]).stdout.contains("broken")))
    }

    @Test(.needsRoot) func sysctlsAreSetInThePodsNamespacesOnly() throws {
        let manifest = Self.pod("sysctl", pod: """
            securityContext:
              sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "80"}, {name: kernel/shm_rmid_forced, value: "1"}]
            """)
        let (harness, _) = try start(manifest, "sysctl")
        defer { _ = try? harness.run(["delete", "pod", "sysctl"]) }
        #expect(try exec(harness, "sysctl", "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced").stdout == "80\n1\n")
        let host = try harness.run(["cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start"], podctl: false).stdout
        #expect(host == "1024\n", "the holder's network namespace keeps its own value")
    }
}
