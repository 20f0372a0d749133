import Foundation

extension Harness {
    /// podctl, not yet started, inside the holder's namespaces with the harness's state
    /// roots; the caller sets its streams and runs it (nsenter executes podctl in its own
    /// process, so the Process's PID is podctl's).
    public func podctlProcess(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["-t", String(holder), "-n", "-m", "--", Harness.binary] + arguments
        process.environment = podctlEnvironment
        return process
    }

    /// What every podctl of this harness runs with: its own state, run and cgroup roots,
    /// and the test's `environment` on top.
    public var podctlEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PODCTL_ROOT"] = base + "/lib"
        environment["PODCTL_RUN_ROOT"] = base + "/run"
        environment["PODCTL_CGROUP_ROOT"] = cgroupRoot
        environment.merge(self.environment) { $1 }
        return environment
    }
}
