import CPodShim
import Foundation
import Glibc
import PodCore

/// Connections to a pod's loopback from outside its network namespace, for
/// `podctl port-forward` and the CRI's PortForward: the pod's pause pinned with a pidfd
/// before its network namespace is opened (so a reused pid cannot hand over another
/// namespace), and one in-pod connector (PortForwardHelper) that connects there on
/// request. No thread of the caller enters the namespace (D13).
public final class PodConnector: @unchecked Sendable {
    let helper: PortForwardHelper
    /// A pidfd of the pod's pause: readable once the pod has ended.
    public let pause: Int32
    /// The connector answers one request at a time over its socket.
    private let lock = NSLock()

    /// Checks that the pod runs, pins its pause, starts the connector.
    public init(view: PodView) throws(PodError) {
        let record = view.status
        guard let record, view.supervisorAlive, record.phase == "Running", record.pausePID > 0 else {
            throw PodError(.notReady, "unable to forward port because pod is not running. Current status=\(view.isUnknown ? "Unknown" : record?.phase ?? "Pending")")
        }
        let helperPath = try ExecTarget.runPlan(view.paths).helperPath
        let pidfd = try Self.pin(record.pausePID)
        let network = open("/proc/\(record.pausePID)/ns/net", O_RDONLY | O_CLOEXEC)
        guard network >= 0, !Self.exited(pidfd) else {
            if network >= 0 { close(network) }
            close(pidfd)
            throw PodError(.notReady, "unable to forward port because pod is not running: its pause process is gone")
        }
        defer { close(network) }
        do { helper = try PortForwardHelper(helperPath: helperPath, network: network) } catch {
            close(pidfd)
            throw error
        }
        pause = pidfd
    }

    private static func pin(_ pid: Int32) throws(PodError) -> Int32 {
        let fd = podshim_pidfd_open(pid, 0)
        guard fd >= 0 else { throw PodError(.notReady, "unable to forward port because pod is not running: its pause process \(pid) is gone", cause: .system(call: "pidfd_open", errno: errno, path: nil)) }
        return fd
    }

    static func exited(_ pidfd: Int32) -> Bool {
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// A socket connected to `port` on the pod's loopback, or connect's errno inside the
    /// pod; throws when the connector is gone.
    public func connect(_ port: UInt16) throws(PodError) -> Result<Int32, PodConnectFailure> {
        lock.lock()
        defer { lock.unlock() }
        switch try helper.connect(port) {
        case let .connected(socket): return .success(socket)
        case let .refused(code): return .failure(PodConnectFailure(errno: code))
        }
    }

    public func stop() {
        helper.stop()
        close(pause)
    }
}

/// connect(2)'s errno inside the pod.
public struct PodConnectFailure: Error, Equatable, Sendable {
    public let errno: Int32
}
