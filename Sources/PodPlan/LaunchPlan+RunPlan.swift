import PodCore
import PodLaunch

/// The one mapping from the run plan to pod-helper's launch plans: the sandbox, a
/// container's start, an exec into it (podctl exec, exec probes and hooks, the exec plan).
/// A filter compiled at apply is named by its key in the run plan; its program is read
/// from the seccomp cache here, so every launch carries the bytes and nothing else
/// builds a launch plan from a container's.
extension RunPlan {
    /// pause in new net, UTS, IPC, mount and PID namespaces (the cgroup and the OOM
    /// score are the supervisor's to add: it makes the cgroup first).
    public func sandboxLaunch() -> LaunchPlan {
        var launch = LaunchPlan(mode: .sandbox)
        launch.hostname = hostname
        launch.initPath = pausePath
        launch.mounts = sandboxMounts
        launch.sysctls = sysctls
        launch.hostNetwork = network?.hostNetwork ?? false
        launch.idMap = idMap
        return launch
    }

    /// A container joining the pause `pausePID`, on a fresh overlay under
    /// `containerDirectory/NAME`.
    public func containerLaunch(_ container: ContainerPlan, pausePID: Int32) throws(PodError) -> LaunchPlan {
        var launch = LaunchPlan(mode: .container)
        launch.podPID = pausePID
        launch.sharePID = sharePID
        launch.lowerDirs = container.lowerDirs
        let base = "\(containerDirectory)/\(container.name)"
        launch.upperDir = base + "/upper"
        launch.workDir = base + "/work"
        launch.rootfs = base + "/rootfs"
        launch.readOnlyRoot = container.readOnlyRoot
        launch.mounts = container.mounts
        launch.argv = container.argv
        launch.env = container.env
        launch.cwd = container.cwd
        launch.uid = container.uid
        launch.gid = container.gid
        launch.groups = container.groups
        launch.initPath = container.useInit ? initPath : ""
        launch.confinement = try launchConfinement(of: container)
        launch.idMap = idMap
        launch.tty = container.tty
        return launch
    }

    /// An exec into the running container whose process is `pid`: its environment,
    /// working directory, user, confinement and user namespace, as the runtimes give an
    /// exec; in its cgroup, as runc's exec, so the command counts against its limits.
    public func execLaunch(into container: ContainerPlan, pid: Int32, command: [String], tty: Bool) throws(PodError) -> LaunchPlan {
        var launch = LaunchPlan(mode: .exec)
        launch.targetPID = pid
        launch.argv = command
        launch.env = container.env
        launch.cwd = container.cwd
        launch.uid = container.uid
        launch.gid = container.gid
        launch.groups = container.groups
        launch.tty = tty
        launch.confinement = try launchConfinement(of: container)
        launch.idMap = idMap
        launch.oomScoreAdj = container.oomScoreAdj
        launch.cgroupProcs = cgroups?.procsFiles(ofContainer: container.name) ?? []
        return launch
    }

    /// The container's confinement with its compiled seccomp program read by key. A
    /// filter without a key (a plan from before the cache) carries its program or its
    /// rules itself.
    public func launchConfinement(of container: ContainerPlan) throws(PodError) -> Confinement {
        var confinement = container.confinement
        guard let key = confinement.seccomp?.programKey else { return confinement }
        confinement.seccomp?.program = try SeccompProgramFile.read(directory: seccompCache, key: key, container: container.name)
        return confinement
    }
}
