import Foundation
import PodTestSupport

/// A running busybox pod of one container `c`, on a harness of its own, that a test
/// attacks from inside with `podctl exec` (the exec joins the container's cgroup,
/// namespaces and confinement, as the workload has them).
final class AttackPod {
    let harness: Harness
    let name: String

    init(_ name: String, securityContext: String = "{}") throws {
        harness = try Harness()
        self.name = name
        try harness.loadBusybox()
        let command = #"["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]"#
        try harness.apply("""
            {apiVersion: v1, kind: Pod, metadata: {name: \(name)}, spec: {terminationGracePeriodSeconds: 1, containers: [
              {name: c, image: "localhost/busybox:1", command: \(command), securityContext: \(securityContext)}]}}
            """)
        try harness.waitForRunning(name, containers: ["c"])
    }

    deinit { _ = try? harness.run(["delete", "pod", name]) }

    func exec(_ script: String) throws -> Harness.Result {
        try harness.run(["exec", name, "--", "sh", "-c", script])
    }

    /// The container's init as the host numbers it.
    func initPID() throws -> pid_t? { try harness.containerPID(name, "c") }
}

extension Harness.Result {
    var output: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
}
