import Foundation
import PodCore

/// What a remotecommand client (crictl exec/attach, the kubelet's proxy) sends, whichever
/// framing carries it.
enum RemoteCommandEvent: Equatable {
    case stdin([UInt8])
    case stdinClosed
    case resize(width: UInt16, height: UInt16)
    /// The client closed the connection or said goodbye.
    case hangUp
}

/// The framing of one remotecommand connection (k8s.io/apimachinery/pkg/util/remotecommand):
/// SPDY streams named by their `streamType` header, or WebSocket channels.
protocol RemoteCommandTransport: AnyObject {
    /// The streams the request needs are there (SPDY: the client opens them after the
    /// upgrade; WebSocket: at once).
    var ready: Bool { get }
    /// Takes bytes read from the client; returns what they meant and what to answer at once
    /// (SPDY's SYN_REPLY and PING, WebSocket's pong).
    func absorb(_ bytes: [UInt8]) throws(PodError) -> (events: [RemoteCommandEvent], reply: [UInt8])
    /// The bytes that carry output to the client on stdout (false) or stderr (true).
    func output(_ bytes: [UInt8], stderr: Bool) -> [UInt8]
    /// The last bytes: the status on the error stream, then every stream closed.
    func finish(_ status: RemoteCommandStatus) -> [UInt8]
}

/// How a command ended, as the error stream says it: v4 and v5 a JSON `metav1.Status`
/// (kubelet's remotecommand/httpstream.go, `writeStatus`), v2 and v3 the error's text.
enum RemoteCommandStatus: Equatable {
    case exited(Int32)
    case failed(String)

    struct Cause: Encodable { var reason: String; var message: String }
    struct Details: Encodable { var causes: [Cause] }
    /// metav1.Status: `status` Success or Failure; for an exit code the reason
    /// NonZeroExitCode with the code as an ExitCode cause, which client-go turns into
    /// `command terminated with exit code N`.
    struct Status: Encodable {
        var metadata: [String: String] = [:]
        var status: String
        var message: String?
        var reason: String?
        var code: Int?
        var details: Details?
    }

    func json() -> [UInt8] {
        let status: Status
        switch self {
        case .exited(0):
            status = Status(status: "Success")
        case let .exited(code):
            status = Status(status: "Failure", message: "command terminated with non-zero exit code: exit status \(code)", reason: "NonZeroExitCode",
                            details: Details(causes: [Cause(reason: "ExitCode", message: String(code))]))
        case let .failed(message):
            status = Status(status: "Failure", message: message, reason: "InternalError", code: 500)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array((try? encoder.encode(status)) ?? Data(#"{"metadata":{},"status":"Failure"}"#.utf8))
    }

    /// v2 and v3: nothing for success, else the error's text.
    func text() -> [UInt8] {
        switch self {
        case .exited(0): []
        case let .exited(code): Array("command terminated with non-zero exit code: exit status \(code)".utf8)
        case let .failed(message): Array(message.utf8)
        }
    }
}

/// The resize stream's JSON objects, `{"Width":80,"Height":24}` (client-go's
/// TerminalSize, one per line from its json.Encoder). A line that is not such an object is
/// dropped, as the kubelet logs and drops it; the buffer is bounded.
struct ResizeDecoder {
    static let maxPending = 4096
    private var pending: [UInt8] = []

    struct Size: Decodable { var Width: UInt16; var Height: UInt16 }

    static func parse<Bytes: Collection<UInt8>>(_ line: Bytes) -> RemoteCommandEvent? {
        guard let size = try? JSONDecoder().decode(Size.self, from: Data(line)) else { return nil }
        return .resize(width: size.Width, height: size.Height)
    }

    /// SPDY: bytes of the stream, split into lines.
    mutating func absorb(_ bytes: [UInt8]) -> [RemoteCommandEvent] {
        pending += bytes
        var events: [RemoteCommandEvent] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            if let event = Self.parse(pending[..<newline]) { events.append(event) }
            pending.removeFirst(newline + 1)
        }
        if pending.count > Self.maxPending { pending = [] }
        return events
    }
}
