import Foundation
import Glibc
import PodTestSupport
import Testing

/// hostPID and hostIPC (docs/pod-spec.md): the pod keeps the host's PID and IPC namespaces
/// (the host here is the test's, which the harness's holder shares), its network stays its
/// own, and delete leaves nothing in it.
@Suite(.serialized) struct HostNamespacesTests {
    @Test(.needsRoot) func hostPIDAndHostIPCKeepTheHostsNamespaces() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: hosty}
            spec:
              hostPID: true
              hostIPC: true
              terminationGracePeriodSeconds: 1
              containers:
              - {name: c, image: localhost/busybox:1, command: [sleep, '600']}
            """)
        try harness.waitForRunning("hosty", containers: ["c"])
        let container = try #require(try harness.containerPID("hosty", "c"))
        let pause = pid_t(try harness.status("hosty")["pausePID"] as? Int ?? 0)
        for kind in ["pid", "ipc"] {
            #expect(Harness.namespace(kind, of: container) == Harness.namespace(kind, of: getpid()), "\(kind): the host's")
            #expect(Harness.namespace(kind, of: pause) == Harness.namespace(kind, of: getpid()), "\(kind): the host's")
        }
        #expect(Harness.namespace("net", of: container) != Harness.namespace("net", of: harness.holder), "the network stays the pod's")
        // The container sees the host's processes: the test runner is among them.
        let seen = try harness.run(["exec", "hosty", "--", "cat", "/proc/\(getpid())/comm"])
        #expect(seen.status == 0 && !seen.stdout.isEmpty, "\(seen.stderr)")

        let namespace = try HeldNamespace("net", of: pause)
        #expect(try harness.run(["delete", "pod", "hosty"]).status == 0)
        // Not PID 1 of a namespace of its own, pause does not take the containers with it:
        // delete's own kills must have ended them.
        #expect(namespace.processes().isEmpty, "\(Harness.describe(namespace.processes()))")
    }
}
