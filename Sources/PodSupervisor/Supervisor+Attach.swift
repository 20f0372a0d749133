import CPodShim
import Glibc
import PodExec
import PodJSON
import PodLogs
import PodPlan

/// One `podctl attach` session: its control connection (open for as long as the session
/// lasts), the pipes the supervisor copies the container's output into, and whether it
/// was given the container's input.
struct Attachment {
    let socket: Int32
    let container: Int
    var outputs: [LogStream: Int32]
    let hasInput: Bool
    /// The client shut its sending side: its input ended (stdinOnce closes stdin then).
    var inputEnded = false
}

/// Attach, as the kubelet's: every session sees all output from the moment it attaches and
/// every session with -i may write input. The supervisor keeps reading the container's
/// output for the log and copies it into each session's pipe; input does not pass through
/// it at all: the client gets the pty master or the stdin pipe itself (SCM_RIGHTS,
/// unix(7)), and resizes the pty with TIOCSWINSZ as exec -t does.
extension Supervisor {
    /// Answers an attach request; returns whether the connection became a session.
    func attach(_ client: Int32, _ request: ControlRequest) -> Bool {
        let name = request.container ?? plan.containers.first?.name ?? ""
        guard let index = containers.firstIndex(where: { $0.plan.name == name }) else {
            return refuse(client, "container \(name) not found in pod \(plan.name)")
        }
        guard containers[index].isRunning else {
            return refuse(client, "container \(name) in pod \(plan.name) is not running")
        }
        let console = containers[index].console
        var streams: [(String, Int32)] = []
        var outputs: [LogStream: Int32] = [:]
        for stream in console.isTerminal ? [LogStream.stdout] : LogStream.allCases {
            guard let pipe = try? makePipe() else { continue }
            // A session that stops reading loses output rather than stall the pod (the
            // log still has it all).
            _ = fcntl(pipe.write, F_SETFL, O_NONBLOCK)
            outputs[stream] = pipe.write
            streams.append((stream.rawValue, pipe.read))
        }
        // A terminal without `stdin: true` takes no input, as the kubelet refuses stdin
        // to such a container.
        let input = request.stdin == true && containers[index].plan.stdin && !console.inputClosed && console.input >= 0
        if input { streams.append(("stdin", console.input)) }
        let reply = ControlReply(ok: true, message: "attached to \(name)", streams: streams.map { $0.0 }, tty: console.isTerminal)
        var sent = Self.sendReply(client, reply)
        for (label, fd) in streams {
            if sent { sent = podshim_send_fd(client, fd) == 0 }
            if label != "stdin" { close(fd) }
        }
        guard sent else {
            for fd in outputs.values { close(fd) }
            return false
        }
        _ = fcntl(client, F_SETFL, O_NONBLOCK)
        attachments.append(Attachment(socket: client, container: index, outputs: outputs, hasInput: input))
        log("attach to \(name): \(streams.map { $0.0 }.joined(separator: ", "))")
        return true
    }

    private func refuse(_ client: Int32, _ message: String) -> Bool {
        _ = Self.sendReply(client, ControlReply(ok: false, message: message))
        return false
    }

    static func sendReply(_ client: Int32, _ reply: ControlReply) -> Bool {
        var data = (try? PodJSON.encode(reply)) ?? []
        data.append(UInt8(ascii: "\n"))
        return data.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == data.count
    }

    /// Copies output the supervisor read into every session attached to the container.
    func forwardOutput(_ index: Int, _ bytes: UnsafeRawBufferPointer, stream: LogStream) {
        for attachment in attachments where attachment.container == index {
            guard let fd = attachment.outputs[stream] else { continue }
            _ = write(fd, bytes.baseAddress, bytes.count)
        }
    }

    /// The sessions' sockets, for the poll loop: a readable socket is one whose client
    /// shut its input (or sent bytes, which mean nothing); a hang-up ends the session.
    var attachmentPollDescriptors: [pollfd] {
        attachments.map { pollfd(fd: $0.socket, events: $0.inputEnded ? 0 : Int16(POLLIN), revents: 0) }
    }

    func serviceAttachments(_ polled: ArraySlice<pollfd>) {
        guard polled.contains(where: { $0.revents != 0 }) else { return }
        // Polled again: a container's exit (handled first) may have ended sessions and a
        // new one may hold a reused descriptor, so the earlier answers may be stale.
        var fds = attachmentPollDescriptors
        guard poll(&fds, nfds_t(fds.count), 0) > 0 else { return }
        var ended: [Int32] = []
        for (position, entry) in fds.enumerated() where entry.revents != 0 {
            if entry.revents & Int16(POLLHUP | POLLERR) != 0 { ended.append(entry.fd); continue }
            var scratch = [UInt8](repeating: 0, count: 512)
            let count = recv(entry.fd, &scratch, scratch.count, 0)
            if count > 0 || (count < 0 && errno == EAGAIN) { continue }
            attachments[position].inputEnded = true
            if attachments[position].hasInput && containers[attachments[position].container].plan.stdinOnce == true {
                closeStdin(attachments[position].container)
            }
        }
        for socket in ended { endAttachment(socket: socket) }
    }

    /// The client went away: its pipes close; stdinOnce closes the container's stdin
    /// after the first session with input (the kubelet's rule).
    func endAttachment(socket: Int32) {
        guard let position = attachments.firstIndex(where: { $0.socket == socket }) else { return }
        let attachment = attachments.remove(at: position)
        for fd in attachment.outputs.values { close(fd) }
        close(attachment.socket)
        if attachment.hasInput && containers[attachment.container].plan.stdinOnce == true {
            closeStdin(attachment.container)
        }
        log("attach to \(containers[attachment.container].plan.name) ended")
    }

    /// The container instance is gone: its sessions see end-of-file on their output.
    func endAttachments(of index: Int) {
        for attachment in attachments where attachment.container == index {
            endAttachment(socket: attachment.socket)
        }
    }
}
