import Foundation

extension Harness {
    /// A podctl process (not started) inside the holder's namespaces with the test's
    /// roots, for a test that reads its output while it runs (port-forward, -f, -w).
    public func podctlProcess(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["-t", String(holder), "-n", "-m", "--", Self.binary] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PODCTL_ROOT"] = base + "/lib"
        environment["PODCTL_RUN_ROOT"] = base + "/run"
        environment["PODCTL_CGROUP_ROOT"] = cgroupRoot
        process.environment = environment
        return process
    }
}
