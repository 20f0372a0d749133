import Foundation
import Glibc
import PodTestSupport
import Testing

/// #18 item 6: a user's pod has the same life as root's: an init container runs first
/// and to completion, a sidecar (an init container that always restarts) runs beside the
/// app, a postStart hook and an exec readiness probe run inside the user's namespaces, a
/// crashing container is restarted and counted, and logs show each instance.
@Suite(.serialized) struct RootlessLifecycleTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: life}
        spec:
          terminationGracePeriodSeconds: 1
          volumes: [{name: shared, emptyDir: {}}]
          initContainers:
          - {name: setup, image: localhost/busybox:1, command: [sh, -c, 'echo prepared > /shared/setup'], volumeMounts: [{name: shared, mountPath: /shared}]}
          - name: side
            image: localhost/busybox:1
            restartPolicy: Always
            command: [sh, -c, 'echo side up; exec sleep 600']
          containers:
          - name: app
            image: localhost/busybox:1
            command: [sh, -c, 'cat /shared/setup; exec sleep 600']
            volumeMounts: [{name: shared, mountPath: /shared}]
            lifecycle: {postStart: {exec: {command: [sh, -c, 'echo hooked > /shared/hook']}}}
            readinessProbe: {exec: {command: [test, -f, /shared/hook]}, periodSeconds: 1}
          - {name: crash, image: localhost/busybox:1, command: [sh, -c, 'echo crash run; exit 3']}
        """

    @Test(.needsRoot) func initSidecarHookProbeAndRestartsWorkAsForRoot() throws {
        let account = try RootlessPodTests.Account()
        // The user's network needs pasta, and pasta a usable /dev/net/tun (RootlessNetworkTests).
        let uplink = try RootlessNetworkTests.Uplink()
        defer { uplink.stop() }
        let holder = uplink.host
        try account.loadBusyboxAndApply(Self.pod, in: holder.pid)

        let jsonpath = "{range .status.containerStatuses[*]}{.name}={.ready}/{.restartCount} {end}"
        try waitUntil("app ready and crash restarted", timeout: 30) {
            let states = try account.podctl(["get", "pod", "life", "-o", "jsonpath=\(jsonpath)"], in: holder.pid).stdout
            return states.contains("app=true/0") && !states.contains("crash=false/0") && states.contains("crash=")
        }
        #expect(try account.podctl(["logs", "life", "-c", "app"], in: holder.pid).stdout == "prepared\n", "the init container ran first")
        #expect(try account.podctl(["logs", "life", "-c", "side"], in: holder.pid).stdout == "side up\n")
        let hook = try account.podctl(["exec", "life", "-c", "app", "--", "cat", "/shared/hook"], in: holder.pid)
        #expect(hook.stdout == "hooked\n", "\(hook.stderr)")
        #expect(try account.podctl(["logs", "life", "-c", "crash", "--previous"], in: holder.pid).stdout == "crash run\n")
        let described = try account.podctl(["describe", "pod", "life"], in: holder.pid).stdout
        #expect(described.contains("BackOff") || described.contains("Restart Count:  1"), "\(described)")

        #expect(try account.podctl(["delete", "pod", "life"], in: holder.pid).status == 0)
        #expect(try waitUntil(.seconds(10)) { RootlessPodTests.Account.processes(of: account.uid).isEmpty })
    }
}
