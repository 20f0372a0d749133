import Glibc
import PodCore
import PodExec
import PodLaunch
import PodOS

/// Each container's exec plan (PodLaunch's ExecPlan), written when the container
/// starts, so `podctl exec` reads a few KiB instead of decoding the whole run plan and
/// the status (docs/architecture.md, D59). Standard library only, as the supervisor is
/// to become. A plan left from an earlier start names a process that has exited: exec
/// checks the process's start time and refuses it.
extension Supervisor {
    func writeExecPlan(_ index: Int, pid: Int32) {
        let container = containers[index].plan
        guard let identity = ProcessIdentity.of(pid) else {
            log("container \(container.name): process \(pid) was gone before its exec plan was written")
            return
        }
        let launch: ExecLaunch
        do { launch = try plan.execLaunch(into: container, pid: pid, command: [], tty: false) } catch {
            log("container \(container.name): no exec plan: \(error.description)")
            return
        }
        let record = ExecPlan(container: container.name, targetPID: pid, targetStartTime: identity.startTime, helperPath: plan.helperPath, launch: launch)
        let directory = PinnedExec.directory(podRunDirectory: Files.dirname(of: plan.statusPath))
        do {
            try Files.makeDirectories(directory, mode: 0o700)
            try AtomicFile.write(record.encoded(), to: directory + "/" + container.name, mode: 0o600)
        } catch {
            log("container \(container.name): cannot write its exec plan: \(error.description); podctl exec reads the run plan instead")
        }
    }
}
