import Glibc

/// One attach session's copying, a poll at a time: output pipes to this process's stdout
/// and stderr, stdin to the container's input, and the detach keys.
struct AttachRelay {
    let session: AttachSession
    /// -t: Ctrl-P Ctrl-Q detaches (kubectl's and docker's default detach keys).
    let detachKeys: Bool
    var inputOpen: Bool
    /// A Ctrl-P held back until the next byte shows whether Ctrl-Q follows.
    var heldCtrlP = false
    var buffer = [UInt8](repeating: 0, count: 32 * 1024)

    static let ctrlP: UInt8 = 0x10
    static let ctrlQ: UInt8 = 0x11

    init(session: AttachSession, detachKeys: Bool) {
        self.session = session
        self.detachKeys = detachKeys
        inputOpen = session.hasInput
    }

    /// Waits up to 100 ms for something to copy; the outcome once the session is over.
    mutating func step() -> AttachSession.Outcome? {
        if session.outputs.isEmpty { return .ended }
        var fds = session.outputs.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        fds.append(pollfd(fd: inputOpen ? 0 : -1, events: Int16(POLLIN), revents: 0))
        fds.append(pollfd(fd: session.socket, events: 0, revents: 0))
        if poll(&fds, nfds_t(fds.count), 100) < 0 { return errno == EINTR ? nil : .ended }
        for (offset, output) in session.outputs.enumerated().reversed() where fds[offset].revents != 0 {
            let count = buffer.withUnsafeMutableBytes { read(output.fd, $0.baseAddress, $0.count) }
            if count > 0 { _ = buffer.withUnsafeBytes { Self.writeAll(output.target, UnsafeRawBufferPointer(rebasing: $0[0..<count])) }; continue }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            session.closeOutput(output.fd)
        }
        if inputOpen && fds[fds.count - 2].revents != 0, copyInput() { return .detached }
        // The supervisor hung up: it stopped (the pod is going away).
        if fds[fds.count - 1].revents & Int16(POLLHUP) != 0 { return .ended }
        return nil
    }

    /// Copies what stdin has to the container; true when the user typed the detach keys.
    private mutating func copyInput() -> Bool {
        let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return false }
        guard count > 0 else {
            inputOpen = false
            session.closeInput()
            return false
        }
        var bytes = Array(buffer[0..<count])
        if detachKeys {
            if heldCtrlP { bytes.insert(Self.ctrlP, at: 0); heldCtrlP = false }
            if let at = bytes.indices.first(where: { bytes[$0] == Self.ctrlP && $0 + 1 < bytes.count && bytes[$0 + 1] == Self.ctrlQ }) {
                _ = bytes.withUnsafeBytes { Self.writeAll(session.input, UnsafeRawBufferPointer(rebasing: $0[0..<at])) }
                return true
            }
            if bytes.last == Self.ctrlP { heldCtrlP = true; bytes.removeLast() }
        }
        _ = bytes.withUnsafeBytes { Self.writeAll(session.input, $0) }
        return false
    }

    /// write(2) until done: the pty master is non-blocking (the supervisor shares its
    /// open file), so a full input queue waits in poll rather than drops bytes.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var done = 0
        while done < count {
            let written = write(fd, base + done, count - done)
            if written > 0 { done += written; continue }
            guard written < 0, errno == EAGAIN || errno == EINTR else { return false }
            var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&entry, 1, 100)
        }
        return true
    }
}
