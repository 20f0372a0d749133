import Foundation
import Glibc
import PodTestSupport
import Testing

/// podctl run, as kubectl run: a one-container pod, attached with -i/-t, removed with --rm.
@Suite(.serialized) struct RunCommandTests {
    @Test(.needsRoot) func runMakesAPodWhoseLogsSayHi() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let result = try harness.run(["run", "t", "--image=localhost/busybox:1", "--restart=Never", "--", "echo", "hi"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "pod/t created\n")
        try harness.waitFor("t to succeed") { try harness.status("t")["phase"] as? String == "Succeeded" }
        #expect(try harness.run(["logs", "t"]).stdout == "hi\n")
        let labels = try harness.run(["get", "pod", "t", "-o", "jsonpath={.metadata.labels.run} {.spec.containers[0].name} {.spec.restartPolicy}"])
        #expect(labels.stdout == "t t Never")
        #expect(try harness.run(["run", "t", "--image=localhost/busybox:1"]).stderr.contains("already exists"))
        try harness.run(["delete", "pod", "t"])
    }

    @Test(.needsRoot) func runItRmRunsAShellAndRemovesThePod() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        let terminal = try harness.startInTerminal(["run", "sh1", "--image=localhost/busybox:1", "--restart=Never", "-it", "--rm", "--", "sh"])
        defer { terminal.stop() }
        try terminal.read(until: "If you don't see a command prompt, try pressing enter.")
        try terminal.enter("echo run-$((40+2))", expecting: "run-42")
        terminal.type("exit\r")
        #expect(try terminal.waitForExit() == 0)
        try terminal.read(until: "pod \"sh1\" deleted")
        #expect(try harness.run(["get", "pod", "sh1"]).status != 0, "--rm deleted the pod")
    }

    @Test(.needsRoot) func dryRunPrintsThePodKubectlRunWouldMake() throws {
        let harness = try Harness()
        let result = try harness.run(["run", "web", "--image=nginx", "--env", "A=1", "--port", "80", "-i", "-t", "--command", "--dry-run=client", "-o", "yaml", "--", "sh", "-c", "x"])
        #expect(result.status == 0, "\(result.stderr)")
        for line in ["run: web", "name: web", "image: nginx", "containerPort: 80", "stdin: true", "stdinOnce: true", "tty: true", "restartPolicy: Always", "- sh"] {
            #expect(result.stdout.contains(line), "\(line) in \(result.stdout)")
        }
        #expect(try harness.run(["run", "x", "--image=i", "-t"]).stderr.contains("-i/--stdin is required for containers with -t/--tty=true"))
        #expect(try harness.run(["run", "x", "--image=i", "--rm"]).stderr.contains("--rm should only be used for attached containers"))
    }
}
