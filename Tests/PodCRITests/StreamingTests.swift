import Foundation
import Glibc
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import PodCRIProtocol
import PodTestSupport
import Testing

/// Exec, Attach and PortForward of the built podctl-cri through its streaming server, in
/// the harness's namespaces: a terminal exec with a resize and its exit code, an exec
/// with stdin and stdout and stderr apart and a non-zero exit code (each over SPDY and
/// WebSocket), an attach to a running container, a port-forward carrying bytes both ways,
/// and URLs and frames that are refused without harm to the daemon.
@Suite(.serialized, .needsRoot, CRIDaemon.built) struct StreamingTests {
    typealias Runtime = Runtime_V1_RuntimeService.Client<HTTP2ClientTransport.Posix>

    static func execURL(_ runtime: Runtime, _ id: String, _ command: [String], tty: Bool) async throws -> String {
        var request = Runtime_V1_ExecRequest()
        request.containerID = id
        request.cmd = command
        request.tty = tty
        request.stdin = true
        request.stdout = true
        request.stderr = !tty
        return try await runtime.exec(request).url
    }

    /// A busybox container running `command`, with its stdin kept open when `stdin`.
    static func container(_ runtime: Runtime, sandbox: String, name: String, _ command: [String], stdin: Bool = false) async throws -> String {
        var request = ContainerTests.request(sandbox: sandbox, name: name, command: command)
        request.config.stdin = stdin
        request.config.logPath = name + "/0.log"
        return try await runtime.createContainer(request).containerID
    }

    @Test func execAttachAndPortForward() async throws {
        let daemon = try CRIDaemon(isolatedNetwork: true)
        let holder = daemon.harness.holder
        try daemon.harness.loadBusybox()
        try await daemon.withClients { runtime, _ in
            let sandbox = try await ContainerTests.sandbox(runtime, logs: daemon.directory.file("pod-logs"))
            // Answers each line of its own stdin (attach), and is where the execs run.
            let echoer = try await Self.container(runtime, sandbox: sandbox, name: "echoer", ["sh", "-c", "while read line; do echo got:$line; done"], stdin: true)
            let forwarded = try await Self.container(runtime, sandbox: sandbox, name: "forwarded", ["nc", "-ll", "-p", "8080", "-e", "cat"])
            for id in [echoer, forwarded] { try await ContainerTests.start(runtime, id) }
            _ = try await ContainerTests.waitFor(runtime, echoer, .containerRunning)

            // SPDY, a terminal: the resize reaches the pty before the command asks.
            let terminal = try SPDYTestClient(url: try await Self.execURL(runtime, echoer, ["sh"], tty: true), holder: holder, protocol: "v4.channel.k8s.io")
            let (error, stdin, stdout, resize) = (try terminal.open([("streamType", "error")]), try terminal.open([("streamType", "stdin")]),
                                                  try terminal.open([("streamType", "stdout")]), try terminal.open([("streamType", "resize")]))
            terminal.send(Array("{\"Width\":100,\"Height\":30}\n".utf8), on: resize)
            try terminal.read { $0.received[stdout] != nil }
            terminal.send(Array("stty size; exit 7\n".utf8), on: stdin)
            #expect(try terminal.read(), "the server closes the session")
            #expect(terminal.text(stdout).contains("30 100"), "stdout: \(terminal.text(stdout))")
            #expect(terminal.text(error).contains("\"NonZeroExitCode\"") && terminal.text(error).contains("\"message\":\"7\""), "status: \(terminal.text(error))")

            // SPDY, no terminal: stdin to its end, stdout and stderr apart, the exit code.
            let plain = try SPDYTestClient(url: try await Self.execURL(runtime, echoer, ["sh", "-c", "cat; echo oops >&2; exit 3"], tty: false), holder: holder, protocol: "v4.channel.k8s.io")
            let streams = try ["error", "stdin", "stdout", "stderr"].map { try plain.open([("streamType", $0)]) }
            plain.send(Array("piped\n".utf8), on: streams[1], fin: true)
            #expect(try plain.read())
            #expect(plain.text(streams[2]) == "piped\n" && plain.text(streams[3]) == "oops\n")
            #expect(plain.text(streams[0]).contains("\"message\":\"3\""), "status: \(plain.text(streams[0]))")

            // WebSocket, both ways.
            let web = try WebSocketTestClient(url: try await Self.execURL(runtime, echoer, ["sh", "-c", "cat; echo oops >&2; exit 4"], tty: false), holder: holder)
            web.send(Array("ws\n".utf8), on: 0)
            web.send([0], on: 255)
            #expect(web.readToClose())
            #expect(web.text(1) == "ws\n" && web.text(2) == "oops\n" && web.text(3).contains("\"message\":\"4\""), "channels: \(web.received)")
            let webTerminal = try WebSocketTestClient(url: try await Self.execURL(runtime, echoer, ["sh", "-c", "sleep 0.5; stty size"], tty: true), holder: holder)
            webTerminal.send(Array("{\"Width\":90,\"Height\":20}".utf8), on: 4)
            #expect(webTerminal.readToClose())
            #expect(webTerminal.text(1).contains("20 90") && webTerminal.text(3).contains("Success"), "channels: \(webTerminal.received)")

            // Attach: the container's own stdin and stdout.
            var attach = Runtime_V1_AttachRequest()
            attach.containerID = echoer
            attach.stdin = true
            attach.stdout = true
            attach.stderr = true
            let attached = try SPDYTestClient(url: try await runtime.attach(attach).url, holder: holder, protocol: "v4.channel.k8s.io")
            let attachStreams = try ["error", "stdin", "stdout", "stderr"].map { try attached.open([("streamType", $0)]) }
            attached.send(Array("hello\n".utf8), on: attachStreams[1])
            #expect(try attached.read { $0.text(attachStreams[2]).contains("got:hello") }, "attach stdout: \(attached.text(attachStreams[2]))")

            // PortForward: bytes both ways to the pod's loopback.
            var forward = Runtime_V1_PortForwardRequest()
            forward.podSandboxID = sandbox
            forward.port = [8080]
            let url = try await runtime.portForward(forward).url
            // nc listens on 8080 in the pod's network namespace (port 1F90 in state 0A, over
            // IPv4 or IPv6).
            #expect(try await eventually(within: 20) {
                try await ContainerTests.exec(runtime, forwarded, ["sh", "-c", "cat /proc/net/tcp /proc/net/tcp6 | grep -q ':1F90 [0-9A-F]*:0000 0A'"]).exitCode == 0
            }, "nc listening on 8080")
            let forwarding = try SPDYTestClient(url: url, holder: holder, protocol: "portforward.k8s.io")
            _ = try forwarding.open([("streamType", "error"), ("port", "8080"), ("requestID", "0")])
            let data = try forwarding.open([("streamType", "data"), ("port", "8080"), ("requestID", "0")])
            forwarding.send(Array("round trip".utf8), on: data)
            #expect(try forwarding.read { $0.text(data) == "round trip" }, "forwarded: \(forwarding.text(data))")

            // Refused: a URL used twice, an unknown token, a frame past the bound. The
            // daemon goes on serving.
            let reused = try? SPDYTestClient(url: url, holder: holder, protocol: "portforward.k8s.io")
            #expect(reused == nil, "a token works once")
            let unknown = try? SPDYTestClient(url: url.replacingOccurrences(of: "/portforward/", with: "/exec/"), holder: holder, protocol: "v4.channel.k8s.io")
            #expect(unknown == nil)
            let hostile = try SPDYTestClient(url: try await Self.execURL(runtime, echoer, ["true"], tty: false), holder: holder, protocol: "v4.channel.k8s.io")
            hostile.write([0, 0, 0, 1, 0, 0xff, 0xff, 0xff] + Array(repeating: 0, count: 4096))
            #expect(try hostile.read(), "an oversized frame ends the session")
            #expect(try await ContainerTests.exec(runtime, echoer, ["true"]).exitCode == 0, "the daemon still serves")
        }
        #expect(daemon.stop() == 0, "a clean stop: \(daemon.log)")
    }
}
