import Glibc
import PodExec
import PodOS

/// The pod's first containers start beside pod-network (D80). Until pod-network answers,
/// each one's helper does everything up to the exec (cgroup join, namespaces, the root:
/// most of a container's start, and the cgroup join's RCU grace period on v1) and the
/// container's process then reads one byte of this pipe. The kubelet runs the CNI ADD
/// before it creates any container, so no workload may run before its network: the byte
/// comes only after the attach succeeded; a failed attach closes the pipe, and each held
/// process exits at end-of-file without running anything.
struct StartGate {
    let network: NetworkProcess
    let pipe: (read: Int32, write: Int32)
    /// Helpers launched with the read end: one byte for each.
    var held = 0
}

extension Supervisor {
    /// Starts the network's attach and, when there is one to wait for, opens the gate the
    /// first containers are launched through. A pipe that cannot be made: the attach is
    /// finished here, before any container, as it was before D80.
    func beginNetworkAndGate(_ started: IdleNetworkProcess?) throws(NetworkFailure) {
        guard let network = try beginNetworkAttach(started) else { return }
        do {
            startGate = StartGate(network: network, pipe: try makePipe())
        } catch {
            try completeNetworkAttach(network)
        }
    }

    /// Waits for the attach (once), then lets the held containers exec, or makes them exit.
    /// A failure is kept in `networkFailure` for `run` to fail the pod with.
    func releaseStartGate() {
        guard let gate = startGate else { return }
        startGate = nil
        close(gate.pipe.read)
        let go = FileDescriptor(raw: gate.pipe.write)  // closed when dropped: end-of-file for who is left
        do throws(NetworkFailure) {
            try completeNetworkAttach(gate.network)
            // A held process that is gone already (EPIPE once all are) needs no byte.
            try? go.writeAll([UInt8](repeating: 1, count: gate.held))
        } catch {
            networkFailure = error
        }
    }
}
