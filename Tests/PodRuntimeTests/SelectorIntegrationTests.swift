import Foundation
import Glibc
import PodTestSupport
import Testing

/// Labels and selectors through the real podctl (#17): `-l` on get, describe, wait, logs
/// and delete; `--all`; `--show-labels` and `-L`; `label` and `annotate`.
@Suite(.serialized) struct SelectorIntegrationTests {
    /// A busybox pod with labels (YAML flow map) that says hello and sleeps.
    static func pod(_ name: String, labels: String, namespace: String = "default") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: \(namespace), labels: {\(labels)}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: c
            image: localhost/busybox:1
            command: ["sh", "-c", "echo hello from \(name); exec sleep 3600"]
        """
    }

    static let three = [
        pod("web", labels: "app: web, tier: frontend"),
        pod("api", labels: "app: api, tier: backend"),
        pod("db", labels: "app: db, tier: backend, env: prod"),
    ].joined(separator: "\n---\n")

    func names(_ harness: Harness, _ arguments: [String]) throws -> [String] {
        let result = try harness.run(["get", "pods", "-o", "name"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test(.needsRoot) func selectorsPickExactlyTheRightPods() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.three)
        for name in ["web", "api", "db"] { try harness.waitForRunning(name, containers: ["c"]) }

        #expect(try names(harness, ["-l", "app=web"]) == ["pod/web"])
        #expect(try names(harness, ["-l", "app==api"]) == ["pod/api"])
        #expect(try names(harness, ["-l", "tier in (backend)"]) == ["pod/api", "pod/db"])
        #expect(try names(harness, ["--selector", "tier=backend,env!=prod"]) == ["pod/api"])
        #expect(try names(harness, ["-l", "!env"]) == ["pod/api", "pod/web"])
        #expect(try names(harness, ["-l", "app notin (web,db)"]) == ["pod/api"])
        #expect(try names(harness, ["-l", "env"]) == ["pod/db"])
        #expect(try names(harness, ["-l", ""]) == ["pod/api", "pod/db", "pod/web"])

        let none = try harness.run(["get", "pods", "-l", "app=nothing"])
        #expect(none.status == 0 && none.stdout == "" && none.stderr == "No resources found in default namespace.\n")
        let both = try harness.run(["get", "pods", "web", "-l", "app=web"])
        #expect(both.status == 1 && both.stderr == "error: name cannot be provided when a selector is specified\n")

        let described = try harness.run(["describe", "pods", "-l", "app=db"])
        let describedNames = described.stdout.split(separator: "\n").filter { $0.hasPrefix("Name:") }.map { $0.split(separator: " ").last.map(String.init) }
        #expect(described.status == 0 && describedNames == ["db"], "\(described.stdout)")

        let waited = try harness.run(["wait", "--for=condition=Ready", "pods", "-l", "tier=backend", "--timeout=30s"])
        #expect(waited.stdout == "pod/api condition met\npod/db condition met\n", "\(waited.stderr)")
        let nothing = try harness.run(["wait", "--for=condition=Ready", "pods", "-l", "app=nothing", "--timeout=1s"])
        #expect(nothing.status == 1 && nothing.stderr == "error: no matching resources found\n")

        let top = try harness.run(["top", "pod", "-l", "tier=backend", "--interval", "0.2", "--no-headers"])
        #expect(top.status == 0 && top.stdout.split(separator: "\n").map { $0.split(separator: " ").first } == ["api", "db"], "\(top.stdout)\(top.stderr)")

        try harness.waitFor("both backend pods logged") {
            try harness.run(["logs", "-l", "tier=backend", "--prefix"]).stdout == "[pod/api/c] hello from api\n[pod/db/c] hello from db\n"
        }

        let deleted = try harness.run(["delete", "pods", "-l", "tier=backend"])
        #expect(deleted.status == 0 && deleted.stdout == "pod \"api\" deleted\npod \"db\" deleted\n", "\(deleted.stderr)")
        #expect(try names(harness, []) == ["pod/web"])
        let all = try harness.run(["delete", "pods", "--all"])
        #expect(all.status == 0 && all.stdout == "pod \"web\" deleted\n", "\(all.stderr)")
        #expect(try harness.run(["delete", "pods", "--all"]).stdout == "No resources found\n")
        #expect(try names(harness, []).isEmpty)
    }

    @Test(.needsRoot) func aSelectorWithASyntaxErrorExitsOneWithKubectlsMessage() throws {
        let harness = try Harness()
        let cases: [(arguments: [String], message: String)] = [
            (["get", "pods", "-l", "app in (web"], "unable to parse requirement: found '', expected: ',' or ')'"),
            (["delete", "pods", "-l", "app:web"], "unable to parse requirement: <nil>: Invalid value: \"app:web\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
            (["logs", "-l", "a b"], "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
            (["describe", "pods", "-l", ",a"], "found ',', expected: !, identifier, or 'end of string'"),
        ]
        for (arguments, message) in cases {
            let result = try harness.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr == "error: Unable to find pods that match label selector \"\(arguments[arguments.count - 1])\": \(message)\n")
        }
        let top = try harness.run(["top", "pod", "web", "-l", "app=web"])
        #expect(top.status == 1 && top.stderr == "error: only one of NAME or --selector can be provided\n")
        let both = try harness.run(["delete", "pods", "--all", "-l", "app=web"])
        #expect(both.status == 1 && both.stderr == "error: cannot set --all and --selector at the same time\n")
    }

    @Test(.needsRoot) func selectorsSpanNamespacesWithAllNamespaces() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply([Self.pod("web", labels: "app: web"), Self.pod("web", labels: "app: web", namespace: "team"),
                           Self.pod("api", labels: "app: api", namespace: "team")].joined(separator: "\n---\n"))
        for namespace in ["default", "team"] {
            try harness.waitFor("web in \(namespace) running") { try harness.run(["get", "pod", "web", "-n", namespace]).stdout.contains("Running") }
        }
        let rows = try harness.run(["get", "pods", "-A", "-l", "app=web"]).stdout.split(separator: "\n").map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(rows == ["NAMESPACE NAME", "default web", "team web"])
        #expect(try names(harness, ["-n", "team", "-l", "app=web"]) == ["pod/web"])
        #expect(try harness.run(["label", "pods", "-A", "-l", "app=web", "owner=me"]).stdout == "pod/web labeled\npod/web labeled\n")
        #expect(try harness.run(["delete", "pods", "-A", "-l", "owner=me", "--now"]).stdout == "pod \"web\" deleted\npod \"web\" deleted\n")
        #expect(try names(harness, ["-A"]) == ["pod/api"])
        try harness.run(["delete", "pods", "--all", "-n", "team", "--now"])
    }

    @Test(.needsRoot) func labelAndAnnotateChangeMetadataWithoutRestartingAndApplyResetsThem() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let manifest = Self.pod("web", labels: "app: web")
        try harness.apply(manifest)
        try harness.waitForRunning("web", containers: ["c"])
        let pid = try harness.containerPID("web", "c")

        #expect(try harness.run(["label", "pod", "web", "tier=frontend"]).stdout == "pod/web labeled\n")
        let refused = try harness.run(["label", "pod", "web", "tier=backend"])
        #expect(refused.status == 1 && refused.stderr == "error: 'tier' already has a value (frontend), and --overwrite is false\n")
        #expect(try harness.run(["label", "pod/web", "tier=backend", "--overwrite"]).stdout == "pod/web labeled\n")
        #expect(try names(harness, ["-l", "tier=backend"]) == ["pod/web"])
        #expect(try harness.run(["get", "pods", "--show-labels"]).stdout.contains("app=web,tier=backend\n"))
        let columns = try harness.run(["get", "pods", "-L", "tier", "-L", "example.com/none,app"]).stdout.split(separator: "\n")
        #expect(columns.first?.hasSuffix("TIER      NONE   APP") == true, "\(columns)")
        #expect(columns.last?.hasSuffix("backend          web") == true, "\(columns)")
        #expect(try harness.run(["label", "pods", "-l", "app=web", "tier-"]).stdout == "pod/web unlabeled\n")
        #expect(try harness.run(["label", "pod", "web", "tier-"]).stdout == "label \"tier\" not found.\npod/web not labeled\n")

        #expect(try harness.run(["annotate", "pod", "web", "note=one"]).stdout == "pod/web annotated\n")
        let again = try harness.run(["annotate", "pod", "web", "note=two"])
        #expect(again.status == 1 && again.stderr == "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (one)\n")
        #expect(try harness.run(["annotate", "pod", "web", "note=two", "--overwrite"]).stdout == "pod/web annotated\n")
        #expect(try metadata(harness, "web")["annotations"] as? [String: String] == ["note": "two"])
        #expect(try harness.run(["annotate", "pod", "web", "note-"]).stdout == "pod/web annotated\n")
        #expect(try metadata(harness, "web")["annotations"] == nil)

        #expect(try harness.run(["label", "pod", "web", "canary=true"]).stdout == "pod/web labeled\n")
        #expect(try harness.containerPID("web", "c") == pid, "metadata changes restart nothing")
        // apply makes the pod what its file says: the labels go back to the file's.
        #expect(try harness.run(["apply", "-f", "-"], stdin: manifest).stdout == "pod/web configured\n")
        #expect(try metadata(harness, "web")["labels"] as? [String: String] == ["app": "web"])
        #expect(try harness.run(["apply", "-f", "-"], stdin: manifest).stdout == "pod/web unchanged\n")
        #expect(try harness.containerPID("web", "c") == pid, "nor does apply of metadata only")
        try harness.run(["delete", "pod", "web", "--now"])
    }

    @Test(.needsRoot) func aPodWaitingForItsImageKeepsALabelGivenDuringTheWait() throws {
        let registry = try NamespacedRegistry(harness: Harness())
        let harness = registry.harness
        let manifest = PullIntegrationTests.pod("later", image: "127.0.0.1:5000/later:1")
        #expect(try registry.podctl(["apply", "-f", "-"], stdin: manifest).status == 0)
        try harness.waitFor("ImagePullBackOff") { try harness.run(["get", "pods"]).stdout.contains("ImagePullBackOff") }
        #expect(try harness.run(["label", "pod", "later", "tier=backend"]).stdout == "pod/later labeled\n")
        #expect(try names(harness, ["-l", "tier=backend"]) == ["pod/later"])
        try registry.push(as: "later:1")
        try harness.waitFor("the pod to start after the image was pushed", seconds: 40) { try harness.containerPID("later", "main") != nil }
        #expect(try names(harness, ["-l", "tier=backend"]) == ["pod/later"], "the started pod carries the label")
        #expect(try harness.run(["delete", "pod", "later", "--now"]).status == 0)
    }

    @Test(.needsRoot) func labelRefusesBadInputWithKubectlsMessages() throws {
        let harness = try Harness()
        let cases: [(arguments: [String], message: String)] = [
            (["label", "pod", "web"], "at least one label update is required"),
            (["label", "tier=x"], "one or more resources must be specified as <resource> <name> or <resource>/<name>"),
            (["label", "pod", "tier=x", "web"], "all resources must be specified before label changes: web"),
            (["label", "pods", "tier=x"], "resource(s) were provided, but no name was specified"),
            (["label", "pod", "web", "a=b", "a-"], "can not both modify and remove a label in the same command"),
            (["label", "pod", "web", "tier=x"], "pods \"web\" not found in namespace default"),
            (["annotate", "pod", "web", "x"], "at least one annotation update is required"),
        ]
        for (arguments, message) in cases {
            let result = try harness.run(arguments)
            #expect(result.status == 1 && result.stderr == "error: \(message)\n", "\(arguments): \(result.status) \(result.stderr)")
        }
    }

    @Test(.needsRoot) func logsFollowsEveryPickedPodAndPodsThatJoin() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.pod("web1", labels: "app: web"))
        try harness.waitForRunning("web1", containers: ["c"])
        let follower = try FollowedOutput(harness, ["logs", "-l", "app=web", "-f", "--prefix"])
        defer { follower.stop() }
        try harness.waitFor("web1's line") { follower.text.contains("[pod/web1/c] hello from web1\n") }
        try harness.apply(Self.pod("db", labels: "app: db"))
        try harness.apply(Self.pod("web2", labels: "app: web"))
        try harness.waitFor("web2, which joined, followed") { follower.text.contains("[pod/web2/c] hello from web2\n") }
        #expect(!follower.text.contains("db"), "a pod the selector does not pick is not followed")
        let limited = try harness.run(["logs", "-l", "app=web", "-f", "--max-log-requests", "1"])
        #expect(limited.status == 1 && limited.stderr == "error: you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit\n")
        // Each stream ends with its container; the command ends with the last stream.
        try harness.run(["delete", "pods", "-l", "app=web", "--now"])
        try harness.waitFor("the follower to end") { !follower.process.isRunning }
        #expect(follower.process.terminationStatus == 0)
        #expect(follower.text == "[pod/web1/c] hello from web1\n[pod/web2/c] hello from web2\n")
    }

    func metadata(_ harness: Harness, _ pod: String) throws -> [String: Any] {
        let json = try harness.run(["get", "pod", pod, "-o", "json"]).stdout
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return object?["metadata"] as? [String: Any] ?? [:]
    }
}

/// A podctl command left running in the harness's namespaces, its standard output
/// collected as it comes; stopped by its PID when the test is done.
final class FollowedOutput: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var collected = Data()

    init(_ harness: Harness, _ arguments: [String]) throws {
        process = harness.podctlProcess(arguments)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.collected.append(data)
            self.lock.unlock()
        }
        try process.run()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
