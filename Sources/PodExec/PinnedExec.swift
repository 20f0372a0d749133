import Glibc
import PodCore
import PodLaunch
import PodOS

/// `podctl exec` through the container's exec plan (ExecPlan), which the supervisor
/// writes each time the container starts: a few KiB read and decoded, the container's
/// process pinned with a pidfd and its start time checked, then pod-helper joins through
/// that pidfd (docs/architecture.md, D59). Nothing here links Foundation, so the lean
/// `podctl` runs it without loading the rest of podctl.
public enum PinnedExec {
    /// An exec plan is a few KiB (a compiled seccomp program is at most 4096
    /// instructions of 8 bytes, BPF_MAXINSNS); 1 MiB bounds a damaged one.
    static let maxPlanSize = 1 << 20

    /// `<run-root>/pods/NS/NAME/exec`: one file per container, named by the container.
    public static func directory(podRunDirectory: String) -> String { podRunDirectory + "/exec" }

    /// The exec plan of `container`, or nil when there is none (the container has not
    /// started, or the pod was started by a podctl without exec plans). A plan that does
    /// not decode, or is another container's, is refused naming its path.
    public static func load(_ path: String, container: String) throws(PodError) -> ExecPlan? {
        let raw = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if raw < 0 && errno == ENOENT { return nil }
        guard raw >= 0 else { throw PodError.system("open", errno: errno, path: path, "cannot read the exec plan \(path)") }
        let file = FileDescriptor(raw: raw, path: path)
        var bytes = [UInt8](repeating: 0, count: maxPlanSize + 1)
        var count = 0
        while count < bytes.count {
            let got = try syscallSize("read", path: path) { bytes.withUnsafeMutableBytes { read(file.raw, $0.baseAddress! + count, $0.count - count) } }
            if got == 0 { break }
            count += got
        }
        let damaged = { (problem: String) in
            PodError(.corruptState, "the exec plan \(path) is damaged: \(problem); the container's next start writes it again, or delete the pod and apply it again")
        }
        guard count <= maxPlanSize else { throw damaged("it is larger than \(maxPlanSize) bytes") }
        let plan: ExecPlan
        do { plan = try ExecPlan.decode(Array(bytes[0..<count])) } catch { throw damaged(error.message) }
        guard plan.container == container else { throw damaged("it is the plan of container \(plan.container), not \(container)") }
        return plan
    }

    /// The container's process, pinned, or why it is not running any more.
    public enum Target {
        case pinned(FileDescriptor)
        case notRunning(String)
    }

    /// A pidfd on the plan's process: a process that has exited, or whose PID another
    /// process has taken since, is never pinned.
    public static func pin(_ plan: ExecPlan) throws(PodError) -> Target {
        do { return .pinned(try ProcessIdentity(pid: plan.targetPID, startTime: plan.targetStartTime).pin()) } catch {
            guard error.code == .notFound else { throw error }
            return .notRunning(error.message)
        }
    }

    /// kubectl's words for an exec into a container that is not running; `hint` says
    /// what to do about it (the full CLI knows whether the supervisor runs).
    public static func notRunning(_ container: String, pod: String, why: String, hint: String = "") -> PodError {
        PodError(.invalidArgument, "unable to upgrade connection: container \(container) in pod \(pod) is not running (\(why))\(hint)")
    }

    /// Runs `command` in the pinned container and returns its exit code.
    public static func run(_ plan: ExecPlan, target pidfd: FileDescriptor, command: [String], tty: Bool, interactive: Bool) throws(PodError) -> Int32 {
        var launch = plan.launch
        launch.process.argv = command
        launch.process.tty = tty
        launch.targetPinned = true
        let session = ExecSession(launcher: HelperLauncher(helperPath: plan.helperPath), plan: .exec(launch), interactive: interactive, tty: tty, target: pidfd.raw)
        return try withExtendedLifetime(pidfd) { () throws(PodError) -> Int32 in try session.run() }
    }
}
