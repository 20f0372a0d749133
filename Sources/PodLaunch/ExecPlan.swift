import PodCore

/// What `podctl exec` needs to run a command in one running container, written by the
/// supervisor each time the container starts (docs/runtime.md, "exec"): the helper's
/// exec-mode plan for this container (environment, working directory, user, confinement
/// with the compiled seccomp program as raw bytes, user namespace, cgroup files), the
/// pod-helper to run, and the identity of the container's process: its PID and its start
/// time (field 22 of /proc/PID/stat, clock ticks since boot). exec pins the process with a
/// pidfd and compares the start time, so a PID reused since is never entered.
///
/// Framed like the launch plan (WireWriter.swift): a few KiB that decode in microseconds,
/// where the whole run plan is about 100 KiB of JSON (docs/architecture.md, D59).
public struct ExecPlan: Equatable, Sendable {
    public var container: String
    public var targetPID: Int32
    public var targetStartTime: UInt64
    public var helperPath: String
    /// An exec-mode plan without a command: exec adds the command and -t.
    public var launch: ExecLaunch

    public init(container: String, targetPID: Int32, targetStartTime: UInt64, helperPath: String, launch: ExecLaunch) {
        self.container = container
        self.targetPID = targetPID
        self.targetStartTime = targetStartTime
        self.helperPath = helperPath
        self.launch = launch
    }

    enum Field: UInt16 { case container = 1, targetPID, targetStartTime, helperPath, launch }

    public func encoded() -> [UInt8] {
        WireWriter.message(.execPlan) { out in
            out.string(Field.container.rawValue, container)
            out.int32(Field.targetPID.rawValue, targetPID)
            out.uint64(Field.targetStartTime.rawValue, targetStartTime)
            out.string(Field.helperPath.rawValue, helperPath)
            out.bytes(Field.launch.rawValue, LaunchPlan.exec(launch).encoded())
        }
    }

    /// Refuses a plan that is not whole, names no process, a helper that is not an
    /// absolute path, or carries a launch plan of another mode.
    public static func decode(_ bytes: [UInt8]) throws(PodError) -> ExecPlan {
        let fields = try WireReader.message(bytes, .execPlan, what: "the exec plan", as: Field.self)
        guard let container = try fields.string(.container), let pid = try fields.int32(.targetPID), pid > 0,
              let started = try fields.uint64(.targetStartTime), let helper = try fields.string(.helperPath),
              let launchBytes = fields.bytes(.launch) else {
            throw fields.malformed("it needs a container, a PID above 0, a start time, a helper and a launch plan")
        }
        guard helper.hasPrefix("/") else { throw fields.malformed("the helper \(helper) is not an absolute path") }
        guard case let .exec(launch) = try LaunchPlan.decode(launchBytes), launch.targetPID == pid else {
            throw fields.malformed("its launch plan is not an exec into process \(pid)")
        }
        return ExecPlan(container: container, targetPID: pid, targetStartTime: started, helperPath: helper, launch: launch)
    }
}

extension WireMagic {
    public static let execPlan = WireMagic(bytes: Array("EXC1".utf8))
}
