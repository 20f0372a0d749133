/// The supervisor's control socket (`<run-root>/pods/NS/NAME/supervisor.sock`, mode 0600,
/// root only): one JSON request line, one JSON reply line, then the connection closes
/// (except for attach, whose connection stays open as its session, Supervisor+Attach.swift).
/// The line is framed for any string it carries (a container name, a message): JSON
/// escapes every control character inside a string, so a newline never ends one early.
public struct ControlRequest: Codable, Equatable, Sendable {
    public enum Operation: String, Codable, Sendable {
        /// Is the supervisor there and answering?
        case ping
        /// Stop the pod gracefully within `grace` seconds (else the pod's period).
        case stop
        /// Re-read the run plan and restart the containers whose spec changed.
        case reload
        /// Attach to a container's streams: the reply is followed by one descriptor per
        /// entry of `streams` (SCM_RIGHTS), and the connection stays open as the session
        /// (docs/runtime.md, "Attach").
        case attach
        /// CRI CreateContainer: the container `container` that the planner appended to the
        /// run plan joins the running sandbox, created, not started (RestartMode.never).
        case addContainer
        /// CRI StartContainer: start the created container `container`.
        case startContainer
        /// CRI StopContainer: stop signal, SIGKILL after `grace` seconds.
        case stopContainer
        /// CRI RemoveContainer: the container, which must be down, leaves the sandbox.
        case removeContainer
        /// CRI ReopenContainerLog: the kubelet renamed the container's log file; write a new one.
        case reopenLog
        /// CRI UpdateContainerResources: the run plan holds new limits for `container` and
        /// new sums for the pod; write them into the cgroups.
        case updateResources
    }

    public var op: Operation
    public var grace: Double?
    /// attach: the container (default: the first app container), and whether to pass input.
    public var container: String?
    public var stdin: Bool?
    /// stop: the pod is being deleted, so its state goes once it stopped: its status is
    /// not made durable on the way out (D79).
    public var deleting: Bool?

    public init(op: Operation, grace: Double? = nil, container: String? = nil, stdin: Bool? = nil, deleting: Bool? = nil) {
        self.op = op
        self.grace = grace
        self.container = container
        self.stdin = stdin
        self.deleting = deleting
    }
}

public struct ControlReply: Codable, Equatable, Sendable {
    public var ok: Bool
    public var message: String
    /// reload: the containers that are being restarted with their new spec.
    public var restarted: [String]?
    /// attach: the descriptors that follow the reply, in order: `stdout`, `stderr` (read
    /// ends of pipes the supervisor copies output into) and `stdin` (the container's pty
    /// master or the write end of its stdin pipe); `tty` tells which.
    public var streams: [String]?
    public var tty: Bool?

    public init(ok: Bool, message: String, restarted: [String]? = nil, streams: [String]? = nil, tty: Bool? = nil) {
        self.ok = ok
        self.message = message
        self.restarted = restarted
        self.streams = streams
        self.tty = tty
    }
}
