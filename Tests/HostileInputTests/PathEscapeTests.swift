import Foundation
import Glibc
import PodTestSupport
import Testing

/// #14, finding 2: every path the runtime resolves below a container's root — mountPath,
/// subPath, workingDir, the generated /etc files — stays inside that root, whatever the
/// manifest writes and whatever symlinks the image or a container planted. Each test aims
/// at a host sentinel and checks that nothing there changed.
@Suite(.serialized) struct PathEscapeTests {
    static let idle = #"["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]"#

    /// The finding's two manifests: a climbing mountPath on an emptyDir created a host
    /// directory, and on a hostPath `File` volume an empty root-owned host file.
    @Test(.needsRoot) func climbingMountPathsLandInsideTheRoot() throws {
        try Attack.run(loadingBusybox: true) { attack in
            let harness = attack.harness, sentinel = attack.sentinel
            let hostFile = harness.base + "/host-file"
            try "host-content\n".write(toFile: hostFile, atomically: false, encoding: .utf8)
            try harness.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: climb}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: c
                    image: localhost/busybox:1
                    command: \(Self.idle)
                    volumeMounts:
                    - {name: scratch, mountPath: "/\(sentinel.climbing("created-by-pod/sub"))"}
                    - {name: host, mountPath: "/\(sentinel.climbing("created-by-pod/file"))"}
                  volumes:
                  - {name: scratch, emptyDir: {}}
                  - {name: host, hostPath: {path: \(hostFile), type: File}}
                """)
            try harness.waitForRunning("climb", containers: ["c"])
            // The cleaned paths are inside the container: its own copy of the sentinel's path.
            let inside = sentinel.path + "/created-by-pod"
            #expect(try harness.run(["exec", "climb", "--", "cat", inside + "/file"]).stdout == "host-content\n")
            #expect(try harness.run(["exec", "climb", "--", "touch", inside + "/sub/written"]).status == 0)
            #expect(attack.hostChanges == [])
            try harness.run(["delete", "pod", "climb", "--now"])
        }
    }

    /// With shareProcessNamespace pause is PID 1 of the containers' PID namespace: its
    /// root, /proc/1/root, was the host's, readable and writable by a container's root.
    @Test(.needsRoot) func pausesRootIsEmptyNotTheHosts() throws {
        try Attack.run(loadingBusybox: true) { attack in
            let harness = attack.harness, sentinel = attack.sentinel
            try harness.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: shared}
                spec:
                  shareProcessNamespace: true
                  terminationGracePeriodSeconds: 2
                  containers: [{name: c, image: localhost/busybox:1, command: \(Self.idle)}]
                """)
            try harness.waitForRunning("shared", containers: ["c"])
            let exec = { (command: String) throws -> Harness.Result in try harness.run(["exec", "shared", "--", "sh", "-c", command]) }
            #expect(try exec("cat /proc/1/cmdline").stdout.contains("pod-pause"), "PID 1 is pause")
            #expect(try exec("ls -A /proc/1/root/").stdout == "", "pause's root is empty")
            #expect(try exec("echo escaped > /proc/1/root\(sentinel.path)/canary").status != 0)
            try harness.run(["delete", "pod", "shared", "--now"])
        }
    }

    /// `/`, `/proc`, `/sys`, `/dev`, and what cleans to them or reaches into /proc, are
    /// refused by apply and by --dry-run, naming the field.
    @Test(.needsRoot, arguments: ["/", "/proc", "/sys", "/dev", "/../proc", "/tmp/../../sys", "/dev/..", "/./dev/", "/proc/1/root", "/proc/self/root/etc"])
    func reservedMountPathsAreRefused(_ mountPath: String) throws {
        let harness = try Harness()
        let manifest = Self.twoContainers(badMountPath: mountPath)
        for arguments in [["apply", "--dry-run", "-f", "-"], ["apply", "-f", "-"]] {
            let result = try harness.run(arguments, stdin: manifest)
            #expect(result.status == 1, "\(arguments) \(mountPath): \(result.stderr)")
            #expect(result.stderr.contains("spec.containers[1].volumeMounts[1].mountPath"), "\(result.stderr)")
        }
        #expect(try harness.run(["get", "pods"]).stderr.contains("No resources found"))
    }

    /// Below /sys and /dev is allowed, as runc allows it, and so are runc's /proc files.
    @Test(.needsRoot) func pathsBelowSysAndDevAndRuncsProcFilesAreAllowed() throws {
        let harness = try Harness()
        for mountPath in ["/sys/fs/cgroup", "/dev/shm/x", "/proc/meminfo", "/../../data"] {
            let result = try harness.run(["apply", "--dry-run", "-f", "-"], stdin: Self.twoContainers(badMountPath: mountPath))
            #expect(result.status == 0, "\(mountPath): \(result.stderr)")
        }
    }

    static func twoContainers(badMountPath: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: reserved}
        spec:
          containers:
          - {name: a, image: localhost/busybox:1, volumeMounts: [{name: v, mountPath: /ok}]}
          - name: b
            image: localhost/busybox:1
            volumeMounts: [{name: v, mountPath: /fine}, {name: w, mountPath: "\(badMountPath)"}]
          volumes: [{name: v, emptyDir: {}}, {name: w, emptyDir: {}}]
        """
    }
}
