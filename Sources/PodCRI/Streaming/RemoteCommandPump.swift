import Glibc
import PodCore

/// What a remotecommand session runs: an exec'd command or an attached container, as
/// descriptors the pump copies (StreamedExec, AttachSession).
protocol RemoteCommandBackend: AnyObject {
    /// The command's input, non-blocking; -1 when there is none.
    var input: Int32 { get }
    var outputs: [(fd: Int32, stderr: Bool)] { get }
    /// Readable once the command is over (an exec's helper pidfd, attach's supervisor
    /// socket); -1 when the outputs' end is the only sign.
    var ended: Int32 { get }
    func closeInput()
    func closeOutput(_ fd: Int32)
    func resize(width: UInt16, height: UInt16)
    /// The client went away.
    func hangUp()
    /// Releases everything and says how it ended.
    func finish() -> RemoteCommandStatus
}

/// Copies between one client connection and a backend in one thread, a poll at a time,
/// until the command's output ends (then its status goes to the client) or the client
/// hangs up. Input waits in a buffer while the command does not read it, and the client's
/// bytes are not read while that buffer is full, so neither side blocks the other.
struct RemoteCommandPump {
    static let maxPendingInput = 1 << 20

    let connection: StreamConnection
    let transport: RemoteCommandTransport
    let backend: RemoteCommandBackend
    var pendingInput: [UInt8] = []
    var inputEnding = false

    init(connection: StreamConnection, transport: RemoteCommandTransport, backend: RemoteCommandBackend) {
        self.connection = connection
        self.transport = transport
        self.backend = backend
    }

    /// `early`: what the client sent while its streams were being opened.
    mutating func run(early: [RemoteCommandEvent]) {
        guard handle(early) else { return hangUp() }
        var buffer = [UInt8](repeating: 0, count: 32 << 10)
        let waitForEnd = backend.outputs.isEmpty
        while !backend.outputs.isEmpty || waitForEnd {
            let outputs = backend.outputs
            var fds = outputs.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            fds.append(pollfd(fd: pendingInput.count < Self.maxPendingInput ? connection.fd : -1, events: Int16(POLLIN), revents: 0))
            fds.append(pollfd(fd: pendingInput.isEmpty ? -1 : backend.input, events: Int16(POLLOUT), revents: 0))
            fds.append(pollfd(fd: waitForEnd ? backend.ended : -1, events: Int16(POLLIN), revents: 0))
            if poll(&fds, nfds_t(fds.count), 1000) < 0 && errno != EINTR { break }
            for (index, output) in outputs.enumerated() where fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(output.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    guard connection.write(transport.output(Array(buffer[0..<count]), stderr: output.stderr)) else { return hangUp() }
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    backend.closeOutput(output.fd)
                }
            }
            if fds[outputs.count].revents != 0 {
                guard let bytes = connection.readSome(), absorb(bytes) else { return hangUp() }
            }
            if fds[outputs.count + 1].revents != 0 { writeInput() }
            if waitForEnd && fds[outputs.count + 2].revents != 0 { break }
        }
        connection.write(transport.finish(backend.finish()))
        connection.finish()
    }

    /// The client's bytes; false when it hung up or broke the framing.
    private mutating func absorb(_ bytes: [UInt8]) -> Bool {
        let events: [RemoteCommandEvent]
        do {
            let (absorbed, reply) = try transport.absorb(bytes)
            events = absorbed
            if !reply.isEmpty { connection.write(reply) }
        } catch {
            return false
        }
        return handle(events)
    }

    /// Acts on the client's events; false on its hang-up.
    mutating func handle(_ events: [RemoteCommandEvent]) -> Bool {
        for event in events {
            switch event {
            case let .stdin(data):
                if backend.input >= 0 { pendingInput += data }
            case .stdinClosed:
                inputEnding = true
                if pendingInput.isEmpty { backend.closeInput() }
            case let .resize(width, height):
                backend.resize(width: width, height: height)
            case .hangUp:
                return false
            }
        }
        if !pendingInput.isEmpty { writeInput() }
        return true
    }

    private mutating func writeInput() {
        let written = pendingInput.withUnsafeBytes { write(backend.input, $0.baseAddress, $0.count) }
        if written > 0 { pendingInput.removeFirst(written) } else if written < 0 && errno != EAGAIN && errno != EINTR {
            pendingInput = []
            backend.closeInput()
        }
        if pendingInput.isEmpty && inputEnding { backend.closeInput() }
    }

    private func hangUp() {
        backend.hangUp()
        _ = backend.finish()
    }
}
