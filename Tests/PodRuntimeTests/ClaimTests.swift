import Foundation
import Glibc
import PodTestSupport
import Testing

/// PersistentVolumeClaims as local directory volumes (#19): data outlives the pod,
/// ReadWriteOncePod allows one pod, a claim in use is not deleted.
@Suite(.serialized) struct ClaimTests {
    static func claim(_ name: String, mode: String = "ReadWriteOnce") -> String {
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: \(name)}
        spec: {accessModes: [\(mode)], resources: {requests: {storage: 1Gi}}}
        ---

        """
    }

    /// A database-like pod: writes its row into the claim once, then serves until stopped.
    static func db(_ name: String, claim: String = "data", podSecurity: String = "") -> String {
        Harness.busyboxPod(name, container: """
            command: ["sh", "-c", "[ -f /var/lib/db/rows ] || echo row-1 > /var/lib/db/rows; trap 'exit 0' TERM; while true; do sleep 0.2; done"]
            volumeMounts: [{name: data, mountPath: /var/lib/db}]
            """) + "\n  volumes: [{name: data, persistentVolumeClaim: {claimName: \(claim)}}]\n" + podSecurity
    }

    @Test(.needsRoot) func dataOutlivesThePodAndDeleteWaitsForIt() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let applied = try harness.run(["apply", "-f", "-"], stdin: Self.claim("data") + Self.db("db"))
        #expect(applied.stdout == "persistentvolumeclaim/data created\npod/db created\n", "\(applied.stderr)")
        #expect(applied.stderr.contains("persistentvolumeclaim/data: requests.storage 1Gi is recorded, not enforced"), "\(applied.stderr)")
        try harness.waitForRunning("db", containers: ["c"])
        try harness.waitFor("the row written") { try harness.run(["exec", "db", "--", "cat", "/var/lib/db/rows"]).stdout == "row-1\n" }
        // A row added later must survive too: the re-applied pod does not rewrite the file.
        #expect(try harness.run(["exec", "db", "--", "sh", "-c", "echo row-2 >> /var/lib/db/rows"]).status == 0)
        let get = try harness.run(["get", "pvc"])
        #expect(get.stdoutLines.first?.hasPrefix("NAME") == true)
        #expect(get.stdoutLines.dropFirst().first?.contains("Bound") == true, "\(get.stdout)")
        #expect(get.stdout.contains("local-default-data") && get.stdout.contains("1Gi") && get.stdout.contains("RWO"), "\(get.stdout)")
        let describe = try harness.run(["describe", "pvc", "data"])
        #expect(describe.stdout.contains("Used By:       db"), "\(describe.stdout)")

        let refused = try harness.run(["delete", "pvc", "data"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("persistentvolumeclaim \"data\" is in use by pod(s): db"), "\(refused.stderr)")

        try harness.run(["delete", "pod", "db", "--grace-period=1"])
        let dataDirectory = harness.base + "/lib/claims/default/data/data"
        #expect(FileManager.default.fileExists(atPath: dataDirectory + "/rows"), "delete pod keeps the claim")
        let again = try harness.run(["apply", "-f", "-"], stdin: Self.claim("data") + Self.db("db"))
        #expect(again.stdout == "persistentvolumeclaim/data unchanged\npod/db created\n", "\(again.stderr)")
        try harness.waitForRunning("db", containers: ["c"])
        #expect(try harness.run(["exec", "db", "--", "cat", "/var/lib/db/rows"]).stdout == "row-1\nrow-2\n")

        try harness.run(["delete", "pod", "db", "--grace-period=1"])
        let deleted = try harness.run(["delete", "pvc", "data"])
        #expect(deleted.status == 0 && deleted.stdout == "persistentvolumeclaim \"data\" deleted\n", "\(deleted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dataDirectory))
    }

    @Test(.needsRoot) func aReadWriteOncePodClaimRefusesASecondPod() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.claim("only", mode: "ReadWriteOncePod") + Self.db("first", claim: "only"))
        try harness.waitForRunning("first", containers: ["c"])
        // The dry run refuses it as apply does (a missing claim waits: StoredObjectsTests).
        let dryRun = try harness.run(["apply", "--dry-run", "-f", "-"], stdin: Self.db("second", claim: "only"))
        #expect(dryRun.status != 0 && dryRun.stderr.contains("is ReadWriteOncePod and in use by pod first"), "\(dryRun.stderr)")
        let second = try harness.run(["apply", "-f", "-"], stdin: Self.db("second", claim: "only"))
        #expect(second.status != 0)
        #expect(second.stderr.contains("persistentvolumeclaim \"only\" is ReadWriteOncePod and in use by pod first"), "\(second.stderr)")
        #expect(try harness.run(["get", "pod", "second"]).status != 0, "nothing is left of the refused pod")
        try harness.run(["delete", "pod", "first", "--grace-period=1"])
        try harness.run(["delete", "pvc", "only"])
    }

    @Test(.needsRoot) func fsGroupOwnsTheClaimDirectory() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.claim("shared") + Self.db("grouped", claim: "shared", podSecurity: "  securityContext: {fsGroup: 2000}\n"))
        try harness.waitForRunning("grouped", containers: ["c"])
        var info = stat()
        #expect(stat(harness.base + "/lib/claims/default/shared/data", &info) == 0)
        #expect(info.st_gid == 2000)
        #expect(info.st_mode & S_ISGID != 0)
        #expect(try harness.run(["exec", "grouped", "--", "stat", "-c", "%g", "/var/lib/db"]).stdout == "2000\n")
        try harness.run(["delete", "pod", "grouped", "--grace-period=1"])
    }

    @Test(.needsRoot) func aUserNamespacePodOwnsTheClaimDirectory() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.claim("mine") + Self.db("userns", claim: "mine", podSecurity: "  hostUsers: false\n"))
        try harness.waitForRunning("userns", containers: ["c"])
        // Root in the pod is an unprivileged host ID: the directory is that ID's, so it can write.
        try harness.waitFor("the row written") { try harness.run(["exec", "userns", "--", "cat", "/var/lib/db/rows"]).stdout == "row-1\n" }
        #expect(try harness.run(["exec", "userns", "--", "stat", "-c", "%u", "/var/lib/db"]).stdout == "0\n")
        var info = stat()
        #expect(stat(harness.base + "/lib/claims/default/mine/data", &info) == 0)
        #expect(info.st_uid >= 65536, "a host ID of the pod's block, not host root")
        try harness.run(["delete", "pod", "userns", "--grace-period=1"])
    }
}
