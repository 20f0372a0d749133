import Foundation
import Glibc
import PodTestSupport
import Testing

/// `get -o jsonpath|custom-columns`, `get -w` and `events` against real pods (root,
/// through the Harness).
@Suite(.serialized) struct GetOutputIntegrationTests {
    static func sleeper(_ name: String) -> String {
        Harness.busyboxPod(name, container: #"command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]"#)
    }

    @Test(.needsRoot) func jsonpathAndCustomColumnsOverTwoPods() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.sleeper("alpha") + "\n---\n" + Self.sleeper("beta"))
        try harness.waitForRunning("alpha", containers: ["c"])
        try harness.waitForRunning("beta", containers: ["c"])
        try harness.waitFor("both Running") {
            try harness.run(["get", "pods", "-o", "jsonpath={.items[*].status.phase}"]).stdout == "Running Running"
        }
        let names = try harness.run(["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"])
        #expect(names.status == 0 && names.stdout == "alpha beta", "\(names)")
        let ranged = try harness.run(["get", "pods", "-o", #"jsonpath={range .items[*]}{.metadata.name}{"\t"}{.spec.containers[0].image}{"\n"}{end}"#])
        #expect(ranged.stdout == "alpha\tlocalhost/busybox:1\nbeta\tlocalhost/busybox:1\n", "\(ranged)")
        let filtered = try harness.run(["get", "pods", "-o", #"jsonpath={.items[?(@.metadata.name=="beta")].status.containerStatuses[0].name}"#])
        #expect(filtered.stdout == "c", "\(filtered)")
        let single = try harness.run(["get", "pod", "alpha", "-o", "jsonpath={.metadata.name}"])
        #expect(single.stdout == "alpha", "a named pod is the object, not a List: \(single)")
        let columns = try harness.run(["get", "pods", "-o", "custom-columns=NAME:.metadata.name,PHASE:status.phase,LABELS:.metadata.labels"])
        #expect(columns.status == 0)
        #expect(columns.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            == [["NAME", "PHASE", "LABELS"], ["alpha", "Running", "<none>"], ["beta", "Running", "<none>"]], "\(columns)")
        let file = harness.base + "/columns.txt"
        try "NAME IP\n.metadata.name .status.podIP\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try harness.run(["get", "pods", "-o", "custom-columns-file=" + file])
        #expect(fromFile.stdout.hasPrefix("NAME    IP\nalpha   "), "\(fromFile)")
        let broken = try harness.run(["get", "pods", "-o", "jsonpath={.metadata.name"])
        #expect(broken.status == 1 && broken.stderr == "error: error parsing jsonpath {.metadata.name, unclosed action\n", "\(broken)")
        try harness.run(["delete", "pod", "alpha", "beta", "--now"])
    }

    @Test(.needsRoot) func watchPrintsTheTransitionsOfACrashingPod() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Harness.busyboxPod("crash", container: #"command: ["sh", "-c", "sleep 1; exit 1"]"#))
        let output = harness.base + "/watch.out"
        let watcher = try startWatch(harness, ["get", "pods", "-w"], output: output)
        defer { kill(watcher.processIdentifier, SIGKILL); watcher.waitUntilExit() }
        // Running, then the back-off after the second exit, each a row of its own. The
        // Error between a crash and the immediate first restart lasts less than a poll
        // may see, so it is not required (the supervisor writes the back-off at the exit).
        try harness.waitFor("the watch to show Running, then CrashLoopBackOff", seconds: 40) {
            let statuses = Self.statuses(output)
            guard let running = statuses.firstIndex(of: "Running"), let backOff = statuses.lastIndex(of: "CrashLoopBackOff") else { return false }
            return running < backOff
        }
        // Ended as Ctrl-C would, by its PID; bounded, the deferred SIGKILL as the fallback.
        kill(watcher.processIdentifier, SIGTERM)
        try harness.waitFor("the watch to end on SIGTERM", seconds: 10) { !watcher.isRunning }
        let lines = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.first?.hasPrefix("NAME") == true, "\(lines)")
        #expect(lines.filter { $0.hasPrefix("NAME") }.count == 1, "one header: \(lines)")
        let rows = lines.dropFirst().map { $0.split(separator: " ").map(String.init) }
        #expect(rows.allSatisfy { $0.count == 5 && $0[0] == "crash" }, "\(rows)")
        let restarts = rows.compactMap { $0.count == 5 ? Int($0[3]) : nil }
        #expect(restarts == restarts.sorted() && (restarts.last ?? 0) >= 1, "RESTARTS only rise: \(rows)")
        // No two rows in a row alike but for AGE: a row is printed only when the pod changed.
        for (previous, next) in zip(rows, rows.dropFirst()) { #expect(previous.dropLast() != next.dropLast(), "\(rows)") }
        let events = try harness.run(["events", "--for", "pod/crash"])
        #expect(events.stdout.hasPrefix("LAST SEEN"), "\(events)")
        #expect(events.stdout.contains("BackOff") && events.stdout.contains("pod/crash"), "\(events)")
        // kubectl get events: the same table.
        let listed = try harness.run(["get", "events"])
        #expect(listed.stdout.hasPrefix("LAST SEEN") && listed.stdout.contains("BackOff") && listed.stdout.contains("pod/crash"), "\(listed)")
        #expect(try harness.run(["get", "events", "-l", "app=x"]).status == 1)
        try harness.run(["delete", "pod", "crash", "--now"])
    }

    @Test(.needsRoot) func watchOnlyWithJSONPathPrintsEachChangeAndTheDeletedPod() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let output = harness.base + "/watch.out"
        let template = #"jsonpath={.metadata.name}:{.status.phase}{"\n"}"#
        let watcher = try startWatch(harness, ["get", "pods", "--watch-only", "-o", template], output: output)
        defer { kill(watcher.processIdentifier, SIGKILL); watcher.waitUntilExit() }
        try harness.apply(Self.sleeper("w"))
        let read = { ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        try harness.waitFor("the watch to print w:Running") { read().contains("w:Running") }
        let before = read().count
        try harness.run(["delete", "pod", "w", "--now"])
        // The deletion changes the pod, and its last state is printed once more when it is gone.
        try harness.waitFor("the watch to print the deleted pod") { read().count > before }
        kill(watcher.processIdentifier, SIGTERM)
        try harness.waitFor("the watch to end on SIGTERM", seconds: 10) { !watcher.isRunning }
        #expect(read().allSatisfy { $0.hasPrefix("w:") }, "\(read())")
        #expect(read().first != nil && read().first != "NAME", "no table header in jsonpath output: \(read())")
    }

    /// `podctl get pods -w` inside the harness's namespaces, its output to a file; the
    /// caller ends it by its PID (nsenter executes podctl in its own process).
    private func startWatch(_ harness: Harness, _ arguments: [String], output: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let process = harness.podctlProcess(arguments)
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The STATUS column of each row printed so far.
    private static func statuses(_ output: String) -> [String] {
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let cells = line.split(separator: " ")
            return cells.count == 5 ? String(cells[2]) : nil
        }
    }
}
