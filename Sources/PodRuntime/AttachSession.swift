import Foundation
import CPodShim
import Glibc
import PodCore
import PodPlan
import PodSupervisor

/// The client side of attach (docs/runtime.md, "Attach"): asks the pod's supervisor for a
/// container's streams, then copies its output pipes to this process's stdout and stderr
/// and this process's stdin into the container's input, until the container's instance
/// ends or the user detaches (Ctrl-P Ctrl-Q with -t, as kubectl and docker).
public final class AttachSession {
    public let container: String
    /// The container has a terminal (`tty: true`): its output is one stream.
    public let tty: Bool
    /// The container's input was given (with -i, when it has `stdin` and it is still open).
    public var hasInput: Bool { input >= 0 }
    var socket: Int32 = -1
    var outputs: [(fd: Int32, target: Int32)] = []
    var input: Int32 = -1

    public enum Outcome: Sendable { case detached, ended }

    /// Connects to the supervisor of `view` and receives the container's streams.
    public init(_ view: PodView, container name: String?, stdin: Bool) throws(PodError) {
        let spec = view.manifest.spec?.containers ?? []
        container = name ?? view.manifest.metadata?.annotations?["kubectl.kubernetes.io/default-container"] ?? spec.first?.name ?? ""
        guard view.supervisorAlive else {
            throw PodError(.invalidArgument, "cannot attach to container \(container) in pod \(view.key.name): the pod's supervisor is not running")
        }
        let socket = try SupervisorClient(path: view.paths.controlSocket).connect(timeout: 10)
        let reply: ControlReply
        do { reply = try Self.request(socket, ControlRequest(op: .attach, container: container, stdin: stdin)) } catch {
            Glibc.close(socket)
            throw error
        }
        self.socket = socket
        tty = reply.tty ?? false
        for stream in reply.streams ?? [] {
            let fd = podshim_recv_fd(socket)
            guard fd >= 0 else {
                close()
                throw PodError.system("recvmsg", errno: errno, path: view.paths.controlSocket, "the supervisor did not pass the \(stream) of container \(container)")
            }
            switch stream {
            case "stdin": input = fd
            case "stderr": outputs.append((fd, 2))
            default: outputs.append((fd, 1))
            }
        }
    }

    /// Sends the request line and reads the reply line: byte by byte, so no byte that
    /// carries a descriptor after it is read (and its descriptor lost) here.
    static func request(_ socket: Int32, _ request: ControlRequest) throws(PodError) -> ControlReply {
        var data = (try? JSONEncoder().encode(request)) ?? Data()
        data.append(UInt8(ascii: "\n"))
        _ = data.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count < 64 * 1024, recv(socket, &byte, 1, 0) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        guard let reply = try? JSONDecoder().decode(ControlReply.self, from: Data(line)) else {
            throw PodError(.system, "the pod's supervisor gave no answer to attach (see supervisor.log beside its socket)")
        }
        guard reply.ok else { throw PodError(.invalidArgument, reply.message) }
        return reply
    }

    /// Relays until the session ends; `raw` puts this terminal in raw mode (-t).
    public func run(raw: Bool) -> Outcome {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGWINCH)
        sigprocmask(SIG_BLOCK, &set, nil)
        let terminal = raw && tty && hasInput
        if terminal {
            var size = winsize()
            if ioctl(0, UInt(TIOCGWINSZ), &size) == 0 { _ = ioctl(input, UInt(TIOCSWINSZ), &size) }
        }
        let saved = terminal ? TerminalMode.makeRaw(0) : nil
        defer { TerminalMode.restore(0, saved) }
        var relay = AttachRelay(session: self, detachKeys: terminal)
        while true {
            if terminal { TerminalPump.resizeIfPending(&set, master: input) }
            if let outcome = relay.step() { return outcome }
        }
    }

    /// The streams, for a caller that copies them itself (the CRI streaming server):
    /// the input (-1 without stdin), the output pipes, and the supervisor's socket, which
    /// becomes readable when the supervisor hangs up.
    public var streams: (input: Int32, outputs: [(fd: Int32, stderr: Bool)], control: Int32) {
        (input, outputs.map { ($0.fd, $0.target == 2) }, socket)
    }

    /// End of input: the supervisor learns it from the half-closed socket and, for
    /// stdinOnce, closes the container's stdin (the kubelet's rule).
    public func closeInput() {
        guard input >= 0 else { return }
        Glibc.close(input)
        input = -1
        shutdown(socket, Int32(SHUT_WR))
    }

    /// One output pipe reached its end.
    public func closeOutput(_ fd: Int32) {
        guard let index = outputs.firstIndex(where: { $0.fd == fd }) else { return }
        Glibc.close(fd)
        outputs.remove(at: index)
    }

    public func close() {
        for output in outputs { Glibc.close(output.fd) }
        outputs = []
        if input >= 0 { Glibc.close(input) }
        input = -1
        if socket >= 0 { Glibc.close(socket) }
        socket = -1
    }

    deinit { close() }
}
