import Glibc
import PodExec
import PodLaunch
import PodPlan

extension Supervisor {
    /// Starts pause in new network, UTS, IPC, mount and PID namespaces.
    func startSandbox() -> Bool {
        var sandbox = plan.sandboxLaunch()
        guard prepareSandboxCgroups(&sandbox) else { return false }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        do {
            let running = try launcher.start(.sandbox(sandbox), stdio: .init(input: null, output: 2, error: 2))
            let (reports, _) = running.finish()
            for report in reports {
                switch report {
                case let .started(pid):
                    status.pausePID = pid
                    checkOOMScore(pid: pid, wanted: plan.sandboxOOMScoreAdj, object: nil)
                case .rootFilesystem:
                    continue  // a container start's only
                case let .failed(failure):
                    return failSandbox("\(failure.message) (\(failure.call) \(failure.path))")
                }
            }
        } catch {
            return failSandbox(error.description)
        }
        guard status.pausePID > 0 else { return failSandbox("the namespace helper reported no pause process") }
        status.sandboxReady = true
        // Once per pod: a new sandbox is a new pod (docs/rootless.md). A user's pod in a
        // delegated cgroup v2 subtree has its cgroups as root's pods have (D72).
        if plan.rootless != nil && plan.cgroups == nil {
            status.record(.warning, "ResourceLimitsNotEnforced", plan.limitsNotEnforced.map(RootlessNotice.limits) ?? RootlessNotice.limits)
        }
        status.record(.normal, "SandboxReady", "Pod sandbox created (pause pid \(status.pausePID))")
        log("sandbox started: pause pid \(status.pausePID)")
        return true
    }

    private func failSandbox(_ message: String) -> Bool {
        status.phase = "Failed"
        status.reason = "SandboxCreateError"
        status.message = "cannot create the pod sandbox: \(message)"
        status.record(.warning, "FailedCreatePodSandBox", status.message ?? "")
        log(status.message ?? "")
        return false
    }

    /// Pause died while the pod runs: the pod's namespaces are gone with it. The kubelet
    /// would make a new sandbox; podctl stops the pod and says why (docs/runtime.md).
    func pauseExited(code: Int32) {
        status.pausePID = 0
        status.sandboxReady = false
        perform(pod.handle(.sandboxExited, now: Clock.now()))
        guard !pod.stopping else { return }
        status.phase = "Failed"
        status.reason = "SandboxDied"
        status.message = "the pod's pause process exited (code \(code)); delete and apply the pod again"
        log(status.message ?? "")
        beginStop(grace: 0)
    }
}
