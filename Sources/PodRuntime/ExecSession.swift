import Foundation
import CPodShim
import Glibc
import PodCore
import PodLaunch
import PodPlan
import PodSupervisor

/// The running container a command is exec'd into: its init's PID and its plan.
public struct ExecTarget: Sendable {
    public let pid: Int32
    public let plan: ContainerPlan
    /// The pod-helper the pod runs with, from the same reading of the run plan: the plan
    /// is about 100 KiB of JSON (compiled seccomp filters), and decoding it a second time
    /// was a quarter of an exec's instructions (callgrind, docs/benchmarks.md).
    public let helperPath: String
    let paths: PodPaths
    /// The pod's user namespace, which the exec enters as its container did.
    var idMap: IDMap? = nil
    /// The pod's cgroups, whose container cgroup the exec joins.
    var cgroups: PodCgroupPlan? = nil

    public var runPlan: RunPlan {
        get throws(PodError) {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: paths.runPlan)) } catch {
                throw PodError(.corruptState, "cannot read \(paths.runPlan)", cause: .text("\(error)"))
            }
            do { return try JSONDecoder().decode(RunPlan.self, from: data) } catch {
                throw PodError(.corruptState, "the run plan \(paths.runPlan) is damaged", cause: .text("\(error)"))
            }
        }
    }

    public static func find(_ view: PodView, container name: String?) throws(PodError) -> ExecTarget {
        let target = ExecTarget(pid: 0, plan: ContainerPlan.empty, helperPath: "", paths: view.paths)
        let plan = try target.runPlan
        let chosen = name ?? view.manifest.metadata?.annotations?["kubectl.kubernetes.io/default-container"] ?? plan.containers.first?.name ?? ""
        guard let containerPlan = plan.allContainers.first(where: { $0.name == chosen }) else {
            throw PodError(.notFound, "container \(chosen) not found in pod \(view.key.name): its containers are \(plan.allContainers.map(\.name).joined(separator: ", "))")
        }
        let records = (view.status?.containers ?? []) + (view.status?.initContainers ?? [])
        // With the supervisor gone (the pod's status is Unknown, as a pod on a lost node) a
        // container may still run: exec reaches it while its recorded pid is still in the
        // container's cgroup, which a reused pid never is.
        guard let pid = records.first(where: { $0.name == chosen })?.pid,
              view.supervisorAlive || plan.cgroups?.holds(pid, container: chosen) == true else {
            let why = view.supervisorAlive ? "" : "; the pod's supervisor is not running, so its status is Unknown: podctl delete pod \(view.key.name) -n \(view.key.namespace) and apply it again"
            throw PodError(.invalidArgument, "unable to upgrade connection: container \(chosen) in pod \(view.key.name) is not running\(why)")
        }
        return ExecTarget(pid: pid, plan: containerPlan, helperPath: plan.helperPath, paths: view.paths, idMap: plan.idMap, cgroups: plan.cgroups)
    }

    /// The exec helper's plan: the container's environment, working directory, user and
    /// confinement (capabilities, no_new_privs, seccomp), as the runtimes give an exec.
    public func launchPlan(command: [String], tty: Bool) -> LaunchPlan {
        var launch = LaunchPlan.exec(into: plan, pid: pid, idMap: idMap, command: command, tty: tty)
        launch.cgroupProcs = cgroupProcs()
        return launch
    }
}

extension ContainerPlan {
    static let empty = ContainerPlan(name: "", image: "", imageID: "", argv: [], env: [], cwd: "/", uid: 0, gid: 0, groups: [], lowerDirs: [], mounts: [], readOnlyRoot: false, useInit: false, isSidecar: false, stopSignal: SIGTERM, stdin: false, tty: false, specHash: "")
}

/// Runs the exec helper with this process's standard streams (or a pty with -t), and
/// returns the command's exit code.
public struct ExecSession {
    let launcher: HelperLauncher
    let plan: LaunchPlan
    let interactive: Bool
    let tty: Bool

    public init(launcher: HelperLauncher, plan: LaunchPlan, interactive: Bool, tty: Bool) {
        self.launcher = launcher
        self.plan = plan
        self.interactive = interactive
        self.tty = tty
    }

    public func run() throws(PodError) -> Int32 {
        if tty { return try runWithTerminal() }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(null) }
        let running = try launcher.start(plan, stdio: .init(input: interactive ? 0 : null, output: 1, error: 2))
        return try finish(running)
    }

    func finish(_ running: HelperLauncher.Running) throws(PodError) -> Int32 {
        let (reports, _) = running.finish(reap: false)
        let code = HelperLauncher.waitFor(running.pid)
        for case let .failed(failure) in reports {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            return failure.kind == .notFound ? 127 : failure.kind == .notExecutable ? 126 : code
        }
        return code
    }

    /// -t: the helper makes a pty inside the container and sends its master here; this
    /// process copies between its own terminal (in raw mode) and the master, and passes
    /// window size changes on.
    private func runWithTerminal() throws(PodError) -> Int32 {
        var pair: [Int32] = [0, 0]
        guard podshim_socketpair(&pair) == 0 else { throw PodError.system("socketpair", errno: errno) }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let running: HelperLauncher.Running
        do {
            running = try launcher.start(plan, stdio: .init(input: null, output: 2, error: 2), terminalSocket: pair[1])
        } catch {
            close(pair[0]); close(pair[1])
            throw error
        }
        close(pair[1])
        let master = podshim_recv_fd(pair[0])
        close(pair[0])
        let (reports, _) = running.finish(reap: false)
        if master >= 0 {
            var size = winsize()
            if ioctl(0, UInt(TIOCGWINSZ), &size) == 0 { _ = ioctl(master, UInt(TIOCSWINSZ), &size) }
            let saved = TerminalMode.makeRaw(0)
            TerminalPump(master: master, interactive: interactive).run()
            TerminalMode.restore(0, saved)
            close(master)
        }
        let code = HelperLauncher.waitFor(running.pid)
        for case let .failed(failure) in reports {
            FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
            return failure.kind == .notFound ? 127 : failure.kind == .notExecutable ? 126 : code
        }
        return code
    }
}
