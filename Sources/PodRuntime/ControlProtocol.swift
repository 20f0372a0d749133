/// The supervisor's control socket (`<run-root>/pods/NS/NAME/supervisor.sock`, mode 0600,
/// root only): one JSON request line, one JSON reply line, then the connection closes.
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
    }

    public var op: Operation
    public var grace: Double?

    public init(op: Operation, grace: Double? = nil) {
        self.op = op
        self.grace = grace
    }
}

public struct ControlReply: Codable, Equatable, Sendable {
    public var ok: Bool
    public var message: String
    /// reload: the containers that are being restarted with their new spec.
    public var restarted: [String]?

    public init(ok: Bool, message: String, restarted: [String]? = nil) {
        self.ok = ok
        self.message = message
        self.restarted = restarted
    }
}
