import Foundation
import Glibc
import PodTestSupport
import Testing

/// ConfigMaps and Secrets as stored objects, and pods that wait for what they reference
/// (#19, #15 item 4; D58), through the built podctl in throwaway namespaces.
@Suite(.serialized) struct StoredObjectsTests {
    static func configMap(_ name: String, _ data: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name)}\ndata: {\(data)}\n"
    }

    static let sleeper = "command: [sleep, \"1000\"]"

    /// A variable of the container's environment, as an exec'd shell sees it (the test
    /// image's busybox has no printenv).
    static func env(_ harness: Harness, _ pod: String, _ name: String) throws -> String {
        try harness.run(["exec", pod, "--", "sh", "-c", "echo \"$\(name)\""]).stdout
    }

    /// A pod that reads `cfg`'s `greeting` as an env variable.
    static let envReader = Harness.busyboxPod("env-reader", container: """
        \(sleeper)
        env: [{name: GREETING, valueFrom: {configMapKeyRef: {name: cfg, key: greeting}}}]
        """)

    /// A pod that mounts `cfg` as a volume at /cfg, and one key of it by subPath.
    static let volumeReader = Harness.busyboxPod("vol-reader", container: """
        \(sleeper)
        volumeMounts: [{name: cfg, mountPath: /cfg}, {name: cfg, mountPath: /pinned, subPath: greeting}]
        """) + "\n  volumes: [{name: cfg, configMap: {name: cfg}}]\n"

    @Test(.needsRoot) func aConfigMapAppliedAloneServesPodsOfOtherFilesAndEditsReachVolumes() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let created = try harness.run(["apply", "-f", "-"], stdin: Self.configMap("cfg", "greeting: hello"))
        #expect(created.stdout == "configmap/cfg created\n", "\(created.stderr)")
        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.configMap("cfg", "greeting: hello")).stdout == "configmap/cfg unchanged\n")
        let table = try harness.run(["get", "configmaps"]).stdoutLines
        #expect(table.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "DATA", "AGE"])
        #expect(table.dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true).prefix(2) == ["cfg", "1"], "\(table)")

        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.envReader).stdout == "pod/env-reader created\n")
        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.volumeReader).stdout == "pod/vol-reader created\n")
        try harness.waitForRunning("env-reader", containers: ["c"])
        try harness.waitForRunning("vol-reader", containers: ["c"])
        #expect(try Self.env(harness, "env-reader", "GREETING") == "hello\n")
        #expect(try harness.run(["exec", "vol-reader", "--", "cat", "/cfg/greeting"]).stdout == "hello")

        let edited = try harness.run(["apply", "-f", "-"], stdin: Self.configMap("cfg", "greeting: bye"))
        #expect(edited.stdout == "configmap/cfg configured\n", "\(edited.stderr)")
        // The kubelet's sync period is a minute; podctl writes at once, from the apply.
        try harness.waitFor("the edit in the volume file", seconds: 60) {
            try harness.run(["exec", "vol-reader", "--", "cat", "/cfg/greeting"]).stdout == "bye"
        }
        // Env is read at start, and a subPath bind is of the old file: both unchanged.
        #expect(try Self.env(harness, "env-reader", "GREETING") == "hello\n")
        #expect(try harness.run(["exec", "vol-reader", "--", "cat", "/pinned"]).stdout == "hello")
        #expect(try harness.run(["get", "pod", "vol-reader", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"]).stdout == "0")

        // Deleting it in use is allowed: the running pod keeps its copy, a new pod waits.
        #expect(try harness.run(["delete", "configmap", "cfg"]).stdout == "configmap \"cfg\" deleted\n")
        #expect(try harness.run(["exec", "vol-reader", "--", "cat", "/cfg/greeting"]).stdout == "bye")
        let later = try harness.run(["apply", "-f", "-"], stdin: Self.envReader.replacingOccurrences(of: "env-reader", with: "env-later"))
        #expect(later.status == 0)
        #expect(later.stderr.contains("Warning: pod/env-later: container c: CreateContainerConfigError: configmap \"cfg\" not found"), "\(later.stderr)")
        try harness.run(["delete", "pod", "env-reader", "vol-reader", "env-later", "--now"])
    }

    @Test(.needsRoot) func aMissingReferenceWaitsThenStartsWhenTheObjectIsStored() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let pod = Harness.busyboxPod("waiter", container: """
            \(Self.sleeper)
            env: [{name: K, valueFrom: {configMapKeyRef: {name: later, key: k}}}]
            """)
        let applied = try harness.run(["apply", "-f", "-"], stdin: pod)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout == "pod/waiter created\n")
        #expect(applied.stderr.contains("Warning: pod/waiter: container c: CreateContainerConfigError: configmap \"later\" not found"), "\(applied.stderr)")
        let row = try harness.run(["get", "pods"]).stdoutLines.dropFirst().first ?? ""
        #expect(row.contains("0/1") && row.contains("CreateContainerConfigError"), "\(row)")
        let described = try harness.run(["describe", "pod", "waiter"]).stdout
        #expect(described.contains("configmap \"later\" not found"), "\(described)")
        let waited = try harness.run(["apply", "--wait", "--timeout=30s", "-f", "-"], stdin: pod)
        #expect(waited.status == 1)
        #expect(waited.stderr.contains("CreateContainerConfigError: configmap \"later\" not found"), "\(waited.stderr)")
        let timedOut = try harness.run(["wait", "--for=condition=Ready", "pod/waiter", "--timeout=1s"])
        #expect(timedOut.status == 1)
        #expect(timedOut.stderr.contains("Warning: pod/waiter: container c: CreateContainerConfigError: configmap \"later\" not found"), "\(timedOut.stderr)")

        // The object without the key: still waiting, now for the key.
        let partial = try harness.run(["create", "configmap", "later", "--from-literal=other=x"])
        #expect(partial.stdout == "configmap/later created\n", "\(partial.stderr)")
        #expect(try harness.run(["get", "pod", "waiter", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.message}"]).stdout
            == "couldn't find key k in ConfigMap default/later")
        // With the key: the apply that stores it starts the pod.
        #expect(try harness.run(["apply", "-f", "-"], stdin: Self.configMap("later", "k: v")).stdout == "configmap/later configured\n")
        try harness.waitForRunning("waiter", containers: ["c"])
        #expect(try Self.env(harness, "waiter", "K") == "v\n")
        try harness.run(["delete", "pod", "waiter", "--now"])
    }

    @Test(.needsRoot) func aSecretIsStored0600AndNeverPrintedInPlainText() throws {
        let harness = try Harness()
        let created = try harness.run(["create", "secret", "generic", "creds", "--from-literal=password=hunter2-plain"])
        #expect(created.stdout == "secret/creds created\n", "\(created.stderr)")
        let record = harness.base + "/lib/objects/default/secrets/creds.json"
        var info = stat()
        #expect(stat(record, &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(harness.base + "/lib/objects/default/secrets", &info) == 0 && info.st_mode & 0o777 == 0o700)
        let table = try harness.run(["get", "secrets"])
        #expect(table.stdoutLines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "TYPE", "DATA", "AGE"])
        #expect(table.stdoutLines.dropFirst().first?.split(separator: " ", omittingEmptySubsequences: true).prefix(3) == ["creds", "Opaque", "1"])
        let yaml = try harness.run(["get", "secret", "creds", "-o", "yaml"]).stdout
        #expect(yaml.contains(Data("hunter2-plain".utf8).base64EncodedString()), "\(yaml)")
        let described = try harness.run(["describe", "secret", "creds"]).stdout
        #expect(described.contains("password:  13 bytes"), "\(described)")
        for output in [table.stdout, yaml, described] { #expect(!output.contains("hunter2-plain")) }
        let again = try harness.run(["create", "secret", "generic", "creds", "--from-literal=password=x"])
        #expect(again.status == 1 && again.stderr.contains("secrets \"creds\" already exists"), "\(again.stderr)")
        #expect(try harness.run(["delete", "secret", "creds"]).stdout == "secret \"creds\" deleted\n")
        #expect(!FileManager.default.fileExists(atPath: record))
    }

    @Test(.needsRoot) func createConfigMapTakesLiteralsFilesAndEnvFiles() throws {
        let harness = try Harness()
        try "port=80\n".write(toFile: harness.base + "/app.conf", atomically: true, encoding: .utf8)
        try "# settings\nMODE=fast\n\nLEVEL=3\n".write(toFile: harness.base + "/app.env", atomically: true, encoding: .utf8)
        let created = try harness.run(["create", "configmap", "app", "--from-literal=greeting=hi", "--from-file=\(harness.base)/app.conf",
                                       "--from-file=renamed.conf=\(harness.base)/app.conf", "--from-env-file=\(harness.base)/app.env"])
        #expect(created.stdout == "configmap/app created\n", "\(created.stderr)")
        let json = try harness.run(["get", "configmap/app", "-o", "json"]).stdout
        for expected in ["\"greeting\" : \"hi\"", "\"app.conf\" : \"port=80\\n\"", "\"renamed.conf\"", "\"MODE\" : \"fast\"", "\"LEVEL\" : \"3\""] {
            #expect(json.contains(expected), "\(expected) in \(json)")
        }
        let duplicate = try harness.run(["create", "configmap", "dup", "--from-literal=a=1", "--from-literal=a=2"])
        #expect(duplicate.status == 1 && duplicate.stderr.contains("cannot add key \"a\", another key by that name already exists"), "\(duplicate.stderr)")
    }

    @Test(.needsRoot) func runAsNonRootWithARootImageWaitsInCreateContainerConfigError() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let pod = Harness.busyboxPod("nonroot", container: "\(Self.sleeper)\nsecurityContext: {runAsNonRoot: true}")
        let applied = try harness.run(["apply", "-f", "-"], stdin: pod)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains("CreateContainerConfigError: container has runAsNonRoot and image will run as root (pod: \"nonroot_default("), "\(applied.stderr)")
        #expect(try harness.run(["get", "pods"]).stdout.contains("CreateContainerConfigError"))
        try harness.run(["delete", "pod", "nonroot"])
    }

    @Test(.needsRoot) func aNeverPodWaitsInErrImageNeverPullAndStartsWhenItsImageIsLoaded() throws {
        let harness = try Harness()
        // The retry is ten minutes away: only the load can start the pod in time.
        harness.environment["PODCTL_IMAGE_BACKOFF"] = "600"
        let pod = Harness.busyboxPod("never", container: "\(Self.sleeper)\nimagePullPolicy: Never")
        let applied = try harness.run(["apply", "-f", "-"], stdin: pod)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains("Warning: pod/never: container c: ErrImageNeverPull: Container image \"localhost/busybox:1\" is not present with pull policy of Never"), "\(applied.stderr)")
        #expect(try harness.run(["get", "pods"]).stdout.contains("ErrImageNeverPull"))
        let retrying = try #require(try harness.status("never")["supervisorPID"] as? Int)
        try harness.loadBusybox()
        try harness.waitForRunning("never", containers: ["c"])
        try harness.waitFor("the retrying process to end") { kill(pid_t(retrying), 0) != 0 }
        try harness.run(["delete", "pod", "never", "--now"])
    }

    @Test(.needsRoot) func aMissingClaimKeepsThePodPendingUntilTheClaimIsApplied() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let pod = Harness.busyboxPod("claimer", container: "\(Self.sleeper)\nvolumeMounts: [{name: d, mountPath: /d}]")
            + "\n  volumes: [{name: d, persistentVolumeClaim: {claimName: later}}]\n"
        let dryRun = try harness.run(["apply", "--dry-run", "-f", "-"], stdin: pod)
        #expect(dryRun.status == 0 && dryRun.stderr.contains("persistentvolumeclaim \"later\" not found"), "\(dryRun.stderr)")
        let applied = try harness.run(["apply", "-f", "-"], stdin: pod)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains("Warning: pod/claimer: Unschedulable: 0/1 nodes are available: persistentvolumeclaim \"later\" not found."), "\(applied.stderr)")
        let row = try harness.run(["get", "pods"]).stdoutLines.dropFirst().first ?? ""
        #expect(row.contains("Pending"), "\(row)")
        let scheduled = try harness.run(["get", "pod", "claimer", "-o", "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}"]).stdout
        #expect(scheduled == "Unschedulable")
        let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: later}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n"
        #expect(try harness.run(["apply", "-f", "-"], stdin: claim).stdout == "persistentvolumeclaim/later created\n")
        try harness.waitForRunning("claimer", containers: ["c"])
        try harness.run(["delete", "pod", "claimer", "--now"])
    }

    @Test(.needsRoot) func hostileKeysAndNamesAreRefusedWithTheirFieldPath() throws {
        let harness = try Harness()
        let dotted = try harness.run(["apply", "-f", "-"], stdin: Self.configMap("cfg", "..data: x"))
        #expect(dotted.status == 1 && dotted.stderr.contains("data: Invalid value: \"..data\": must not start with '..'"), "\(dotted.stderr)")
        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: \"not base64!\"}\n"
        let notBase64 = try harness.run(["apply", "-f", "-"], stdin: secret)
        #expect(notBase64.status == 1 && notBase64.stderr.contains("data[k]: Invalid value: \"<secret contents redacted>\": illegal base64 data"), "\(notBase64.stderr)")
        #expect(!notBase64.stderr.contains("not base64!"))
        let badName = try harness.run(["create", "configmap", "../escape", "--from-literal=a=1"])
        #expect(badName.status == 1 && badName.stderr.contains("metadata.name: Invalid value: \"../escape\""), "\(badName.stderr)")
        let badKey = try harness.run(["create", "configmap", "ok", "--from-literal=../x=1"])
        #expect(badKey.status == 1 && badKey.stderr.contains("data: Invalid value: \"../x\""), "\(badKey.stderr)")
        #expect(try harness.run(["get", "configmaps"]).stderr.contains("No resources found"))
        #expect(!FileManager.default.fileExists(atPath: harness.base + "/escape.json"))
    }
}
