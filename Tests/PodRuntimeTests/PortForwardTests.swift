import Foundation
import Glibc
import PodRuntime
import PodTestSupport
import Testing

/// `podctl port-forward` (docs/network.md, "Port forwarding"): the parsing of its
/// arguments, and the real binary forwarding from the harness's namespace into a pod.
@Suite(.serialized) struct PortForwardTests {
    @Test func portsParseAsKubectlParsesThem() throws {
        #expect(try PortForwardSpec.parse("8080:80") == PortForwardSpec(local: 8080, remote: 80))
        #expect(try PortForwardSpec.parse("80") == PortForwardSpec(local: 80, remote: 80))
        #expect(try PortForwardSpec.parse(":80") == PortForwardSpec(local: 0, remote: 80))
        for bad in ["", "0", "8080:", "x:80", "1:2:3", "65536", "80:0", "-1", "123456"] {
            #expect(throws: (any Error).self, "\(bad)") { try PortForwardSpec.parse(bad) }
        }
        #expect(try ForwardAddress.parse(["localhost"]).map(\.0) == [.v4("127.0.0.1"), .v6("::1")])
        #expect(try ForwardAddress.parse(["0.0.0.0,::"]).map(\.0) == [.v4("0.0.0.0"), .v6("::")])
        #expect(throws: (any Error).self) { try ForwardAddress.parse(["example.com"]) }
    }

    static let web = Harness.busyboxPod("web", container: """
        command: [sh, -c, 'mkdir -p /www; echo served > /www/index.html; head -c 104857600 /dev/urandom > /www/big; echo ready > /www/ready; exec httpd -f -p 80 -h /www']
        """)

    /// The load: 100 connections at once, each answered whole, and 100 MiB
    /// carried intact (its sha256 inside the pod and after the forward agree).
    @Test(.needsRoot) func carriesAHundredParallelConnectionsAndAHundredMebibytesIntact() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Self.web)
        try harness.waitForRunning("web", containers: ["c"])
        let forwarder = try Forwarder(harness, ["port-forward", "pod/web", ":80"])
        let line = try forwarder.waitForOutput("Forwarding from 127.0.0.1:")
        let port = try #require(line.split(separator: ":").dropFirst().first.flatMap { Int($0.split(separator: " ")[0]) })
        try harness.waitFor("the whole file in the pod", seconds: 60) {
            try harness.run(["busybox", "wget", "-qO-", "http://127.0.0.1:\(port)/ready"], podctl: false).stdout == "ready\n"
        }
        let out = harness.base + "/parallel"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // xargs -P, not `&` and `wait`: the test runner's children inherit a blocked
        // SIGCHLD, on which dash's `wait` (sigsuspend) never wakes.
        // `{}`, never a letter: xargs -I replaces the string everywhere in the line, and the
        // temporary directory's random name held an `N` in about one run in ten (6 of 62
        // characters), so every wget wrote below a directory that did not exist.
        let script = "seq 100 | xargs -P 100 -I {} busybox wget -qO \(out)/{} http://127.0.0.1:\(port)/index.html"
        // Its "Handling connection" lines of the waits above leave the pipe, so it never
        // blocks on a full one while the hundred connect.
        forwarder.drain()
        let parallel = try harness.run(["sh", "-c", script], podctl: false)
        forwarder.drain()
        #expect(parallel.status == 0, "xargs: \(parallel.status) \(parallel.stderr); the forwarder said: \(forwarder.output)\(forwarder.errors)")
        for index in 1...100 {
            #expect((try? String(contentsOfFile: "\(out)/\(index)", encoding: .utf8)) == "served\n", "connection \(index)")
        }
        let inside = try harness.run(["exec", "web", "--", "sha256sum", "/www/big"]).stdout.split(separator: " ").first.map(String.init)
        let through = try harness.run(["sh", "-c", "busybox wget -qO- http://127.0.0.1:\(port)/big | sha256sum"], podctl: false).stdout.split(separator: " ").first.map(String.init)
        #expect(inside != nil && inside == through)
        forwarder.drain()
        #expect(forwarder.output.components(separatedBy: "Handling connection for \(port)").count - 1 >= 102)
        // SIGINT (Ctrl-C) ends it cleanly: exit 0.
        #expect(try forwarder.stop(SIGINT) == 0)
    }

    /// A port nobody listens on: kubectl's error for that connection, and the forwarder
    /// keeps serving the next one; then it ends when the pod is deleted.
    @Test(.needsRoot) func aRefusedConnectionIsReportedAndTheForwarderEndsWithThePod() throws {
        let harness = try Harness()
        try harness.loadBusybox()
        try harness.apply(Harness.busyboxPod("web", container: "command: [sh, -c, 'mkdir -p /www; echo served > /www/index.html; exec httpd -f -p 80 -h /www']"))
        try harness.waitForRunning("web", containers: ["c"])
        let forwarder = try Forwarder(harness, ["port-forward", "web", "18481:81", "18480:80"])
        _ = try forwarder.waitForOutput("Forwarding from 127.0.0.1:18480 -> 80")
        let refused = try harness.run(["busybox", "wget", "-qO-", "http://127.0.0.1:18481/"], podctl: false)
        #expect(refused.status != 0)
        let message = try forwarder.waitForError("an error occurred forwarding 18481 -> 81")
        #expect(message.contains("connect: connection refused"), "\(message)")
        #expect(message.hasPrefix("E"), "klog's severity letter, as kubectl's line")
        try harness.waitFor("the next connection") {
            try harness.run(["busybox", "wget", "-qO-", "http://127.0.0.1:18480/index.html"], podctl: false).stdout == "served\n"
        }
        forwarder.drain()
        #expect(forwarder.output.contains("Handling connection for 18481"))
        try harness.run(["delete", "pod", "web"])
        let status = try forwarder.waitForExit()
        #expect(status == 1)
        #expect(forwarder.errors.contains("error: lost connection to pod"))
        #expect(try harness.run(["ss", "-Hltn"], podctl: false).stdout.contains("18480") == false, "its listeners are closed")
    }

    @Test(.needsRoot) func aPodThatDoesNotRunIsRefused() throws {
        let harness = try Harness()
        let missing = try harness.run(["port-forward", "pod/nothing", "8080:80"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("pods \"nothing\" not found"))
        let bad = try harness.run(["port-forward", "deployment/web", "8080:80"])
        #expect(bad.status != 0 && bad.stderr.contains("podctl forwards to pods only"))
    }
}

/// A running `podctl port-forward` in the harness's namespaces, its output read as it
/// comes; stopped by its PID (nsenter execs podctl, so the PID is podctl's).
final class Forwarder {
    let process: Process
    private let out = Pipe(), err = Pipe()
    private(set) var output = ""
    private(set) var errors = ""
    private let harness: Harness

    init(_ harness: Harness, _ arguments: [String]) throws {
        self.harness = harness
        process = harness.podctlProcess(arguments)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        for pipe in [out, err] { _ = fcntl(pipe.fileHandleForReading.fileDescriptor, F_SETFL, O_NONBLOCK) }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func drain() {
        func read(_ pipe: Pipe) -> String {
            var text = ""
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = Glibc.read(pipe.fileHandleForReading.fileDescriptor, &buffer, buffer.count)
                if count <= 0 { return text }
                text += String(decoding: buffer[0..<count], as: UTF8.self)
            }
        }
        output += read(out)
        errors += read(err)
    }

    /// The first line of standard output holding `text`.
    func waitForOutput(_ text: String) throws -> String {
        try harness.waitFor("the forwarder to print \(text)") { drain(); return output.contains(text) }
        return output.split(separator: "\n").first { $0.contains(text) }.map(String.init) ?? ""
    }

    func waitForError(_ text: String) throws -> String {
        try harness.waitFor("the forwarder to report \(text)") { drain(); return errors.contains(text) }
        return errors.split(separator: "\n").first { $0.contains(text) }.map(String.init) ?? ""
    }

    func waitForExit() throws -> Int32 {
        try harness.waitFor("the forwarder to end") { drain(); return !process.isRunning }
        process.waitUntilExit()
        drain()
        return process.terminationStatus
    }

    func stop(_ signal: Int32) throws -> Int32 {
        kill(process.processIdentifier, signal)
        return try waitForExit()
    }
}
