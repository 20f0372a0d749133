import Foundation
import Glibc
import PodTestSupport
import Testing

/// #14, finding 2: symlinks planted in an image (at a mount point's parent, at the
/// generated /etc files, at the working directory) or in a volume (at a subPath) resolve
/// inside the container's root, or the container does not start; never on the host.
@Suite(.serialized) struct PlantedSymlinkTests {
    /// Links at a mount point's parent (absolute, climbing, dangling) and at the image's
    /// WORKDIR: the mounts and the workload's first file land in the image's copy.
    @Test(.needsRoot) func imageSymlinksAtMountPointsAndWorkingDirStayInside() throws {
        try Attack.run { attack in
            let harness = attack.harness, sentinel = attack.sentinel
            try HostileImage.load(harness, sentinel, links: [
                "/abs": sentinel.path, "/rel": sentinel.climbing(""), "/wd": sentinel.climbing(""), "/dangling": sentinel.path + "/not-there",
            ], changes: ["WORKDIR /wd"])
            try harness.apply(Self.pod(mounts: "[{name: v, mountPath: /abs/sub-abs}, {name: v, mountPath: /rel/sub-rel}, {name: v, mountPath: /dangling/sub}]"))
            try harness.waitForRunning("planted", containers: ["c"])
            try harness.waitFor("the workload's file in its working directory, in the root") {
                try Self.exec(harness, "test -f \(sentinel.path)/written-in-workdir").status == 0
            }
            let landed = "test -d \(sentinel.path)/sub-abs && test -d \(sentinel.path)/sub-rel && test -d \(sentinel.path)/not-there/sub"
            #expect(try Self.exec(harness, landed).status == 0)
            try harness.run(["delete", "pod", "planted", "--now"])
        }
    }

    /// /etc/hosts, /etc/hostname and /etc/resolv.conf as links to the sentinel's files:
    /// podctl's generated files are bound at the image's copies.
    @Test(.needsRoot) func imageSymlinksAtTheGeneratedEtcFilesStayInside() throws {
        try Attack.run { attack in
            let harness = attack.harness, sentinel = attack.sentinel
            try HostileImage.load(harness, sentinel, links: [
                "/etc/hosts": sentinel.path + "/canary", "/etc/hostname": sentinel.climbing("etc/passwd"),
                "/etc/resolv.conf": sentinel.path + "/etc/resolv.conf",
            ])
            try harness.apply(Self.pod(mounts: "[]"))
            try harness.waitForRunning("planted", containers: ["c"])
            #expect(try Self.exec(harness, "cat \(sentinel.path)/canary").stdout.contains("localhost"), "/etc/hosts at the image's copy")
            #expect(try Self.exec(harness, "cat \(sentinel.path)/etc/passwd").stdout == "planted\n", "/etc/hostname at the image's copy")
            #expect(try Self.exec(harness, "test -f \(sentinel.path)/etc/resolv.conf").status == 0)
            try harness.run(["delete", "pod", "planted", "--now"])
        }
    }

    static func pod(mounts: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: planted}
        spec:
          terminationGracePeriodSeconds: 2
          containers:
          - name: c
            image: \(HostileImage.name)
            command: ["sh", "-c", "touch written-in-workdir; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            volumeMounts: \(mounts)
          volumes: [{name: v, emptyDir: {}}]
        """
    }

    static func exec(_ harness: Harness, _ command: String) throws -> Harness.Result {
        try harness.run(["exec", "planted", "--", "sh", "-c", command])
    }

    /// A container plants links in an emptyDir; the next container's subPaths through them
    /// resolve inside the volume (CVE-2017-1002101), not at the host sentinel.
    @Test(.needsRoot) func subPathSymlinksPlantedInAVolumeStayInsideIt() throws {
        try Attack.run(loadingBusybox: true) { attack in
            let harness = attack.harness, sentinel = attack.sentinel
            let plant = "mkdir -p /vol\(sentinel.path) && ln -s \(sentinel.path) /vol/abs && ln -s \(sentinel.climbing("")) /vol/rel && echo one-file > /vol/f"
            try harness.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: subpaths}
                spec:
                  terminationGracePeriodSeconds: 2
                  initContainers:
                  - {name: plant, image: localhost/busybox:1, command: ["sh", "-c", "\(plant)"], volumeMounts: [{name: vol, mountPath: /vol}]}
                  containers:
                  - name: c
                    image: localhost/busybox:1
                    command: ["sh", "-c", "touch /a/x /b/y; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
                    volumeMounts:
                    - {name: vol, mountPath: /vol}
                    - {name: vol, mountPath: /a, subPath: abs/sub}
                    - {name: vol, mountPath: /b, subPath: rel}
                    - {name: vol, mountPath: /single, subPath: f}
                  volumes: [{name: vol, emptyDir: {}}]
                """)
            try harness.waitForRunning("subpaths", containers: ["c"])
            try harness.waitFor("the files through the subPaths, inside the volume") {
                try harness.run(["exec", "subpaths", "--", "sh", "-c", "test -f /vol\(sentinel.path)/sub/x && test -f /vol\(sentinel.path)/y"]).status == 0
            }
            #expect(try harness.run(["exec", "subpaths", "--", "cat", "/single"]).stdout == "one-file\n", "a subPath naming a file binds that file")
            #expect(attack.hostChanges == [])
            try harness.run(["delete", "pod", "subpaths", "--now"])
        }
    }

    /// Links the root cannot honour: ones into /proc or onto /sys (validation saw a
    /// harmless path), a loop, a magic link as the working directory (with a shared PID
    /// namespace /proc/1/root is pause's root, the host's). The container does not start
    /// and says why; the host is unchanged.
    @Test(.needsRoot, arguments: [
        ("/loop/sub", "", "/loop/sub inside its root"), ("/pr", "", "it is the container's /proc"),
        ("/prsys/kernel", "", "leads into the container's /proc"), ("/sy", "", "it is the container's /sys"),
        ("/ok", "/proc/1/root/SENTINEL", "working directory"),
    ])
    func linksOutOfReachFailTheStart(_ mountPath: String, _ workingDir: String, _ reason: String) throws {
        try Attack.run { attack in
            let harness = attack.harness, sentinel = attack.sentinel
            try HostileImage.load(harness, sentinel, links: ["/loop": "/loop", "/pr": "/proc", "/prsys": "../proc/sys", "/sy": "/sys"])
            let directory = workingDir.replacingOccurrences(of: "/SENTINEL", with: sentinel.path)
            try harness.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: refused}
                spec:
                  restartPolicy: Never
                  shareProcessNamespace: true
                  containers:
                  - name: c
                    image: \(HostileImage.name)
                    command: ["sh", "-c", "touch escaped"]
                    workingDir: "\(directory.isEmpty ? "/" : directory)"
                    volumeMounts: [{name: v, mountPath: "\(mountPath)"}]
                  volumes: [{name: v, emptyDir: {}}]
                """)
            try harness.waitFor("CreateContainerError: \(reason)") {
                let json = try harness.run(["get", "pod", "refused", "-o", "json"]).stdout
                return json.contains("CreateContainerError") && json.contains(reason)
            }
            try harness.run(["delete", "pod", "refused", "--now"])
        }
    }
}
