import CPodShim
import Glibc
import PodCore
import PodLaunch
import PodOS
import PodExec
import PodRuntime
import PodStore

extension ContainerRecord {
    /// The container's exec plan with its process pinned (D59), as ExecSync and the
    /// streaming Exec both need it; a container that is not running is refused.
    func pinnedExec(store: Store) throws(PodError) -> (plan: ExecPlan, target: FileDescriptor) {
        let paths = PodPaths(store: store, key: try key())
        let path = PinnedExec.directory(podRunDirectory: paths.runDirectory) + "/" + name
        guard let plan = try PinnedExec.load(path, container: name) else {
            throw PodError(.conflict, "container \(id) is not running: it has not been started")
        }
        switch try PinnedExec.pin(plan) {
        case let .pinned(target): return (plan, target)
        case let .notRunning(why): throw PodError(.conflict, "container \(id) is not running: \(why)")
        }
    }
}

/// Exec through the container's pinned exec plan and pod-helper (StreamedExec).
final class ExecBackend: RemoteCommandBackend {
    let exec: StreamedExec
    let ended: Int32

    init(record: ContainerRecord, store: Store, command: [String], stdin: Bool, stdout: Bool, stderr: Bool, tty: Bool) throws(PodError) {
        let (plan, target) = try record.pinnedExec(store: store)
        exec = try StreamedExec(plan: plan, target: target, command: command, tty: tty, stdin: stdin, stdout: stdout, stderr: stderr && !tty)
        ended = podshim_pidfd_open(exec.helper, 0)
    }

    var input: Int32 { exec.input }
    var outputs: [(fd: Int32, stderr: Bool)] { exec.outputs }
    func closeInput() { exec.closeInput() }
    func closeOutput(_ fd: Int32) { exec.closeOutput(fd) }
    func resize(width: UInt16, height: UInt16) { exec.resize(width: width, height: height) }
    func hangUp() { exec.kill() }

    func finish() -> RemoteCommandStatus {
        if ended >= 0 { close(ended) }
        let (code, failure) = exec.wait()
        if let failure, code == 126 || code == 127 { return .failed(failure) }
        return .exited(code)
    }
}

/// Attach through the pod's supervisor (AttachSession): the container's output pipes and,
/// with stdin, its input; the supervisor closing its socket is the container's end.
final class AttachBackend: RemoteCommandBackend {
    let session: AttachSession

    init(record: ContainerRecord, store: Store, stdin: Bool) throws(PodError) {
        guard let view = try PodManager(store: store).view(try record.key()) else {
            throw PodError(.notFound, "container \(record.id): its pod is gone")
        }
        session = try AttachSession(view, container: record.name, stdin: stdin)
    }

    var input: Int32 { session.streams.input }
    var outputs: [(fd: Int32, stderr: Bool)] { session.streams.outputs }
    var ended: Int32 { session.streams.control }
    func closeInput() { session.closeInput() }
    func closeOutput(_ fd: Int32) { session.closeOutput(fd) }

    /// A container with a terminal: its input is the pty master (AttachSession.run does
    /// the same for `podctl attach -t`).
    func resize(width: UInt16, height: UInt16) {
        guard session.tty, input >= 0 else { return }
        var size = winsize(ws_row: height, ws_col: width, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(input, UInt(TIOCSWINSZ), &size)
    }

    /// Detaching leaves the container running, as the kubelet's attach does.
    func hangUp() {}

    func finish() -> RemoteCommandStatus {
        session.close()
        return .exited(0)
    }
}
