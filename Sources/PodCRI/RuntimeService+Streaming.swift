import GRPCCore
import PodCore
import PodCRIProtocol

/// Exec, Attach and PortForward: each checks its request and answers with a one-time URL
/// on the streaming server (Streaming/StreamingServer.swift, D68), as containerd does
/// (pkg/cri/server/container_{exec,attach}.go, sandbox_portforward.go); the client then
/// speaks SPDY or WebSocket there.
extension RuntimeService {
    public func exec(request: Runtime_V1_ExecRequest, context _: ServerContext) async throws -> Runtime_V1_ExecResponse {
        let record = try container(request.containerID)
        guard !request.cmd.isEmpty else { throw RPCFailure.invalid("cmd", "a command is required") }
        try ContainerConfigMapping.checkWords(request.cmd, "cmd")
        try Self.checkStreams(tty: request.tty, stdin: request.stdin, stdout: request.stdout, stderr: request.stderr)
        try running(record)
        var response = Runtime_V1_ExecResponse()
        response.url = try streamingURL(.exec(containerID: record.id, command: request.cmd, stdin: request.stdin, stdout: request.stdout, stderr: request.stderr, tty: request.tty))
        return response
    }

    public func attach(request: Runtime_V1_AttachRequest, context _: ServerContext) async throws -> Runtime_V1_AttachResponse {
        let record = try container(request.containerID)
        try Self.checkStreams(tty: request.tty, stdin: request.stdin, stdout: request.stdout, stderr: request.stderr)
        try running(record)
        var response = Runtime_V1_AttachResponse()
        response.url = try streamingURL(.attach(containerID: record.id, stdin: request.stdin, stdout: request.stdout, stderr: request.stderr, tty: request.tty))
        return response
    }

    public func portForward(request: Runtime_V1_PortForwardRequest, context _: ServerContext) async throws -> Runtime_V1_PortForwardResponse {
        guard let record = context.sandboxes.find(request.podSandboxID) else {
            throw RPCError(code: .notFound, message: "pod_sandbox_id: no sandbox \(SandboxConfigMapping.quoted(request.podSandboxID))")
        }
        for port in request.port where port <= 0 || port > 65535 {
            throw RPCFailure.invalid("port", "\(port) is not a port (1-65535)")
        }
        var response = Runtime_V1_PortForwardResponse()
        response.url = try streamingURL(.portForward(sandboxID: record.id))
        return response
    }

    /// The kubelet's rules (streaming/server.go, validateExecRequest): some stream is
    /// wanted, and a terminal has no separate stderr.
    static func checkStreams(tty: Bool, stdin: Bool, stdout: Bool, stderr: Bool) throws(RPCError) {
        if tty && stderr { throw RPCFailure.invalid("stderr", "tty and stderr cannot both be true") }
        if !stdin && !stdout && !stderr { throw RPCFailure.invalid("stdin", "one of stdin, stdout, or stderr must be set") }
    }

    /// containerd: "container is in CONTAINER_EXITED state" for one not running.
    func running(_ record: ContainerRecord) throws(RPCError) {
        let (state, _) = ContainerView(record: record, context: context).state
        guard state == .containerRunning else {
            throw RPCError(code: .failedPrecondition, message: "container \(record.id) is in \(state) state, not running")
        }
    }

    func streamingURL(_ request: StreamingRequest) throws(RPCError) -> String {
        do { return try context.streaming.url(for: request) } catch {
            throw RPCError(code: error.code == .conflict ? .resourceExhausted : .unavailable, message: error.message)
        }
    }
}
