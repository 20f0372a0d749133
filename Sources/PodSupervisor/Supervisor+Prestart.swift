import Glibc
import PodExec
import PodOS

/// A container created through the CRI is prepared at CreateContainer and let go at
/// StartContainer (D82), as CRI-O does with `runc create` and `runc start` (the OCI
/// runtime spec's create/start split: the container's process exists, in its cgroups and
/// namespaces, and waits before it runs the user's program). Everything up to the exec
/// (root, cgroup and its join, namespaces, pivot) happens after CreateContainer has
/// answered, while the kubelet goes on, and StartContainer only lets it run. The
/// process waits on a gate of its own
/// (HelperDescriptors.startGate): one byte at StartContainer, end-of-file when the
/// container is removed or the sandbox stops first, and it then exits without running
/// anything.
struct PrestartedHelper {
    let running: HelperLauncher.Running
    /// The gate's write end, closed at the start or the discard.
    let gate: Int32
}

extension Supervisor {
    /// After CreateContainer's reply: its answer does not wait for the helper's spawn.
    func runDuePrestarts() {
        let names = prestartsDue
        prestartsDue = []
        for name in names {
            if let index = containerIndex(name) { prestart(index) }
        }
    }

    /// Launches a created container's helper through a gate of its own. Nothing is
    /// recorded when that fails: StartContainer then launches it as usual, and reports
    /// what fails then.
    func prestart(_ index: Int) {
        guard !pod.stopping, status.sandboxReady, containers[index].prestarted == nil else { return }
        let pipe: (read: Int32, write: Int32)
        do { pipe = try makePipe() } catch { return }
        defer { close(pipe.read) }
        do {
            let running = try spawnHelper(index, startGate: pipe.read)
            containers[index].prestarted = PrestartedHelper(running: running, gate: pipe.write)
        } catch {
            close(pipe.write)
            closeLogs(index)
            log("container \(containers[index].plan.name): not prepared at create (\(error)); it is launched at its start")
        }
    }

    /// The prepared helper of a container that is starting now, its gate open; nil: none.
    func takePrestarted(_ index: Int) -> HelperLauncher.Running? {
        guard let held = containers[index].prestarted else { return nil }
        containers[index].prestarted = nil
        markLaunching(index)
        // A process that is gone already (EPIPE: SIGPIPE is ignored) said why in its report.
        let gate = FileDescriptor(raw: held.gate)  // closed when dropped
        try? gate.writeAll([1])
        return held.running
    }

    /// The container leaves before it started: its process reads end-of-file at the gate
    /// and exits, and its report is read to the end so nothing of it is left.
    func discardPrestarted(_ index: Int) {
        guard let held = containers[index].prestarted else { return }
        containers[index].prestarted = nil
        close(held.gate)
        _ = held.running.finish()
    }
}
