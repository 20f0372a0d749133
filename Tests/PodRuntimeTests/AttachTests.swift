import Foundation
import Glibc
import PodTestSupport
import Testing

/// podctl attach to containers with stdin, stdinOnce and tty (docs/runtime.md, "Attach").
@Suite(.serialized) struct AttachTests {
    /// A harness with the busybox pod `name` (one container `c`) running.
    static func running(_ name: String, _ container: String, pod extra: String = "") throws -> Harness? {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Harness.busyboxPod(name, container: container) + extra)
        try harness.waitForRunning(name, containers: ["c"])
        return harness
    }

    @Test(.needsRoot) func attachToATerminalTypesACommandAndDetachesWithCtrlPCtrlQ() throws {
        guard let harness = try Self.running("shell", "command: [sh]\nstdin: true\ntty: true") else { return }
        let pid = try harness.containerPID("shell", "c")
        let terminal = try harness.startInTerminal(["attach", "-it", "shell", "-c", "c"])
        defer { terminal.stop() }
        try terminal.read(until: "If you don't see a command prompt, try pressing enter.")
        try terminal.enter("echo hello-$((6*7))", expecting: "hello-42")
        // The shell's own terminal: its stdin is the pty the supervisor holds.
        try terminal.enter("tty", expecting: "/dev/pts/")
        terminal.type("\u{10}\u{11}")
        #expect(try terminal.waitForExit() == 0)
        try terminal.read(until: "Session ended, resume using 'podctl attach shell -c c -i -t' command when the pod is running")
        #expect(try harness.containerPID("shell", "c") == pid, "detaching leaves the container running")
        // A terminal's output is logged as stdout, as containerd logs a tty container.
        try harness.waitFor("the typed command's output in the log") {
            try harness.run(["logs", "shell"]).stdout.contains("hello-42")
        }
        // And a second session reaches the same shell.
        let again = try harness.startInTerminal(["attach", "-it", "shell"])
        defer { again.stop() }
        try again.read(until: "try pressing enter")
        try again.enter("echo again-$((1+1))", expecting: "again-2")
        again.type("exit\r")
        #expect(try again.waitForExit() == 0)
        try harness.run(["delete", "pod", "shell"])
    }

    @Test(.needsRoot) func stdinWithoutATerminalIsAPipeTheAttachWritesInto() throws {
        guard let harness = try Self.running("reader", "command: [cat]\nstdin: true") else { return }
        let first = try harness.startInTerminal(["attach", "-i", "reader"])
        defer { first.stop() }
        first.type("line-one\n")
        try harness.waitFor("line-one in the log") { try harness.run(["logs", "reader"]).stdout.contains("line-one") }
        first.stop()
        // Without stdinOnce stdin stays open across sessions: cat still runs and reads on.
        #expect(try harness.containerPID("reader", "c") != nil)
        let second = try harness.startInTerminal(["attach", "-i", "reader"])
        defer { second.stop() }
        second.type("line-two\n")
        try harness.waitFor("line-two in the log") { try harness.run(["logs", "reader"]).stdout.contains("line-two") }
        try harness.run(["delete", "pod", "reader"])
    }

    @Test(.needsRoot) func stdinOnceClosesStdinWhenTheFirstSessionEnds() throws {
        guard let harness = try Self.running("once", "command: [cat]\nstdin: true\nstdinOnce: true", pod: "\n  restartPolicy: Never") else { return }
        // Input ends, the supervisor closes the container's stdin, cat ends, so does the session.
        let result = try harness.run(["attach", "-i", "once"], stdin: "only-line\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "only-line\n")
        try harness.waitFor("cat to end") {
            let state = try harness.containerRecord("once", "c")["state"] as? [String: Any]
            return (state?["terminated"] as? [String: Any])?["exitCode"] as? Int == 0
        }
        #expect(try harness.run(["logs", "once"]).stdout == "only-line\n")
        try harness.run(["delete", "pod", "once"])
    }

    @Test(.needsRoot) func attachWithoutStdinStreamsOutputOnly() throws {
        guard let harness = try Self.running("ticker", "command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo tick-$i; echo err-$i >&2; sleep 0.1; done']") else { return }
        let watcher = try harness.startInTerminal(["attach", "ticker"])
        defer { watcher.stop() }
        try watcher.read(until: "tick-")
        try watcher.read(until: "err-")
        watcher.stop()
        #expect(try harness.containerPID("ticker", "c") != nil)
        let missing = try harness.run(["attach", "ticker", "-c", "nope"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("container nope not found"))
        try harness.run(["delete", "pod", "ticker"])
    }
}
