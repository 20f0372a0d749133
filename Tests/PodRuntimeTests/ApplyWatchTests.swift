import Foundation
import Glibc
import PodTestSupport
import Testing

/// `podctl apply --watch` (the dev loop, #17 item 8) and the multi-file example stack of
/// pods/stack/, against real pods (root, in throwaway namespaces).
@Suite(.serialized) struct ApplyWatchTests {
    @Test(.needsRoot) func theExampleStackAppliesAndTheSiteReachesTheStoreByName() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let result = try harness.run(["apply", "-f", Harness.repository.appendingPathComponent("pods/stack").path])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.split(separator: "\n").map(String.init)
            == ["configmap/site-config created", "persistentvolumeclaim/store-data created", "pod/store created", "pod/site created"], "\(result)")
        try harness.waitFor("the feed to fetch the store's rows by name", seconds: 30) {
            try fetch(harness, "/data/rows.txt") == "row 1: apples\n"
        }
        #expect(try fetch(harness, "/page/index.html").contains("hello from the stack"))
        try harness.run(["delete", "pod", "store", "site", "--now"])
    }

    @Test(.needsRoot) func watchRestartsOnlyTheChangedContainerAndSurvivesABrokenEdit() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let stack = harness.base + "/stack"
        try FileManager.default.copyItem(atPath: Harness.repository.appendingPathComponent("pods/stack").path, toPath: stack)
        // Two files: two handles on one file would write over each other (no O_APPEND).
        let output = harness.base + "/watch.out"
        for file in [output, output + ".err"] { _ = FileManager.default.createFile(atPath: file, contents: nil) }
        let watcher = harness.podctlProcess(["apply", "--watch", "-f", stack])
        watcher.standardOutput = FileHandle(forWritingAtPath: output)
        watcher.standardError = FileHandle(forWritingAtPath: output + ".err")
        try watcher.run()
        defer { kill(watcher.processIdentifier, SIGKILL); watcher.waitUntilExit() }
        try harness.waitFor("the stack to serve v1", seconds: 30) { try fetch(harness, "/data/version") == "v1\n" }
        // Serving does not mean recorded: a container's PID reaches the status file a moment
        // after pod-helper reports it, and httpd may answer before (a loaded CI run took
        // the snapshot with only store/db in it).
        try harness.waitFor("every container's PID in the status", seconds: 30) { try pids(harness).count == 3 }
        let before = try pids(harness)

        // A broken edit: the error, with its file and field path; the watch goes on.
        let web = stack + "/web.yaml"
        let original = try String(contentsOfFile: web, encoding: .utf8)
        try save(original.replacingOccurrences(of: "containerPort: 8080", with: "containerPort: 80800"), to: web)
        try harness.waitFor("the error to be printed") { log(output).contains("spec.containers[0].ports[0].containerPort") }
        #expect(watcher.isRunning)
        #expect(try pids(harness) == before, "a broken edit changes nothing")

        // A fixed edit of one container's command: only that container restarts.
        let saved = Date()
        try save(original.replacingOccurrences(of: "echo v1", with: "echo v2"), to: web)
        try harness.waitFor("the new feed to serve v2", seconds: 30) { try fetch(harness, "/data/version") == "v2\n" }
        let elapsed = Date().timeIntervalSince(saved)
        print("apply --watch: save to the new container's output served: \(String(format: "%.2f", elapsed)) s")
        let after = try pids(harness)
        #expect(after["store/db"] == before["store/db"] && after["site/httpd"] == before["site/httpd"], "\(before) → \(after)")
        #expect(after["site/feed"] != before["site/feed"], "\(before) → \(after)")
        #expect(log(output).contains("pod/site configured") && log(output).contains("pod/store unchanged"), "\(log(output))")

        // The other containers kept their mounts: the page (a configMap volume) is still served.
        #expect(try fetch(harness, "/page/index.html").contains("hello from the stack"))
        // A ConfigMap edit: the page changes in place, no container restarts.
        let config = stack + "/config.yaml"
        try save(try String(contentsOfFile: config, encoding: .utf8).replacingOccurrences(of: "hello from the stack", with: "hello again"), to: config)
        try harness.waitFor("the new page to be served", seconds: 30) { try fetch(harness, "/page/index.html").contains("hello again") }
        #expect(try pids(harness) == after)

        // Ended as Ctrl-C would: exit 0.
        kill(watcher.processIdentifier, SIGTERM)
        try harness.waitFor("the watch to end on SIGTERM", seconds: 10) { !watcher.isRunning }
        #expect(watcher.terminationReason == .exit && watcher.terminationStatus == 0)
        try harness.run(["delete", "pod", "store", "site", "--now"])
    }

    @Test(.needsRoot) func aConfigMapChangeUpdatesTheVolumeInPlaceButNotASubPathMount() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        func manifest(_ greeting: String) -> String {
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: greetings}
            data: {hello.txt: "\(greeting)"}
            ---
            """ + "\n" + Harness.busyboxPod("reader", container: """
                command: ["sleep", "3600"]
                volumeMounts:
                - {name: config, mountPath: /config}
                - {name: config, mountPath: /single.txt, subPath: hello.txt}
                """) + """

              volumes:
              - name: config
                configMap: {name: greetings}
            """
        }
        try harness.apply(manifest("one"))
        try harness.waitForRunning("reader", containers: ["c"])
        let pid = try harness.containerPID("reader", "c")
        func read(_ path: String) throws -> String { try harness.run(["exec", "reader", "--", "cat", path]).stdout }
        let version = try harness.run(["exec", "reader", "--", "readlink", "/config/..data"]).stdout
        #expect(try read("/config/hello.txt") == "one" && read("/single.txt") == "one")
        let result = try harness.run(["apply", "-f", "-"], stdin: manifest("two"))
        #expect(result.stdout.contains("pod/reader unchanged"), "\(result)")
        #expect(try read("/config/hello.txt") == "two", "updated in place, at once")
        #expect(try read("/single.txt") == "one", "a subPath mount is not updated, as in Kubernetes")
        #expect(try harness.run(["exec", "reader", "--", "readlink", "/config/..data"]).stdout != version, "..data was swapped")
        #expect(try harness.run(["exec", "reader", "--", "readlink", "/config/hello.txt"]).stdout == "..data/hello.txt\n")
        #expect(try harness.containerPID("reader", "c") == pid, "no restart")
        try harness.run(["delete", "pod", "reader", "--now"])
    }

    /// A path served by the site pod, fetched from the store pod by the site's name.
    private func fetch(_ harness: Harness, _ path: String) throws -> String {
        try harness.run(["exec", "store", "--", "wget", "-qO-", "http://site:8080" + path]).stdout
    }

    private func pids(_ harness: Harness) throws -> [String: pid_t] {
        var result: [String: pid_t] = [:]
        for (pod, container) in [("store", "db"), ("site", "httpd"), ("site", "feed")] {
            result[pod + "/" + container] = try harness.containerPID(pod, container)
        }
        return result
    }

    /// Saved as editors save: a temporary file renamed over the old one.
    private func save(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// What the watch printed: its standard output, then its standard error.
    private func log(_ path: String) -> String {
        [path, path + ".err"].map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }.joined()
    }
}
