import Foundation
import Glibc
import PodTestSupport
import Testing

/// The standing confinement checks of #14, from inside a default container: the kernel
/// interfaces that would let a workload run code on the host, mount over it, leave its
/// namespaces or take its init down. Each aims at the host sentinel and checks, on the
/// host, that nothing changed; mknod + open of a host disk is in DeviceTests. What a
/// default container may not do is the Kubernetes baseline: RuntimeDefault seccomp, the
/// runtimes' capability set without CAP_SYS_ADMIN, /proc/sys and /sys read-only.
@Suite(.serialized) struct ConfinementTests {
    /// Host files whose change would run a program of the attacker's as root on the host
    /// (core_pattern with `|`, uevent_helper) or change the whole machine (KSM; sysrq,
    /// whose `h` only prints help, in case it were ever let through).
    static let hostHooks = ["/proc/sys/kernel/core_pattern", "/sys/kernel/uevent_helper", "/sys/kernel/mm/ksm/run"]

    static func contents(_ paths: [String]) -> [String: String] {
        var found: [String: String] = [:]
        for path in paths { found[path] = try? String(contentsOfFile: path, encoding: .utf8) }
        return found
    }

    @Test(.needsRoot) func hostKernelHooksStayUnwritable() throws {
        let sentinel = try HostSentinel()
        let before = (sentinel.snapshot(), Self.contents(Self.hostHooks))
        // Put back whatever a failure changed: the machine outlives the test.
        defer {
            for (path, value) in before.1 where Self.contents([path])[path] != value { try? value.write(toFile: path, atomically: false, encoding: .utf8) }
        }
        let pod = try AttackPod("hooks")
        let program = sentinel.path + "/x"
        let ksm = before.1["/sys/kernel/mm/ksm/run"]?.hasPrefix("0") == true ? "1" : "0"
        for (path, value) in [("/proc/sys/kernel/core_pattern", "|" + program), ("/sys/kernel/uevent_helper", program),
                              ("/sys/kernel/mm/ksm/run", ksm), ("/proc/sysrq-trigger", "h")] {
            let attempt = try pod.exec("echo '\(value)' > \(path)")
            #expect(attempt.status != 0, "\(path) was writable")
            // A file this kernel lacks fails as missing; one it has, as read-only.
            if FileManager.default.fileExists(atPath: path) {
                #expect(attempt.stderr.contains("Read-only file system"), "\(path): \(attempt.stderr)")
            }
        }
        #expect(Self.contents(Self.hostHooks) == before.1)
        #expect(HostSentinel.differences(before.0, sentinel.snapshot()).isEmpty)
    }

    @Test(.needsRoot) func mountsAndNewNamespacesAreRefused() throws {
        let sentinel = try HostSentinel()
        let before = sentinel.snapshot()
        let pod = try AttackPod("mounts")
        for script in ["mkdir -p /mnt/t && mount -t tmpfs none /mnt/t", "mkdir -p /mnt/b && mount --bind / /mnt/b",
                       "unshare -m true", "unshare -U true", "unshare -U -m -r true", "nsenter -t 1 -m true"] {
            let attempt = try pod.exec(script)
            #expect(attempt.status != 0, "\(script) succeeded")
            #expect(attempt.stderr.lowercased().contains("not permitted") || attempt.stderr.contains("permission denied"), "\(script): \(attempt.stderr)")
        }
        #expect(try pod.exec("grep -c ' /mnt/' /proc/mounts").output == "0")
        #expect(HostSentinel.differences(before, sentinel.snapshot()).isEmpty)
    }

    /// The container's PID 1 (pod-init) is its PID namespace's init: the kernel drops a
    /// SIGKILL sent to it from inside (pid_namespaces(7)), and the container cannot name
    /// any process outside.
    @Test(.needsRoot) func killingPIDOneLeavesTheContainerRunning() throws {
        let pod = try AttackPod("killer")
        let initPID = try #require(try pod.initPID())
        let attempt = try pod.exec("kill -9 1; echo sent")
        #expect(attempt.output == "sent")
        // Another exec reaches the container only while its init lives.
        #expect(try pod.exec("echo alive").output == "alive")
        #expect(try pod.initPID() == initPID)
        #expect(kill(initPID, 0) == 0)
        let state = try String(contentsOfFile: "/proc/\(initPID)/stat", encoding: .utf8).split(separator: ")").last?.split(separator: " ").first
        #expect(state != "Z", "the container's init is a zombie")
        #expect(try pod.harness.containerRecord(pod.name, "c")["restartCount"] as? Int ?? 0 == 0)
    }
}
