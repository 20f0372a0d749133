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
    public func sandboxLaunch() -> SandboxLaunch {
        var launch = SandboxLaunch()
        launch.hostname = hostname
        launch.pausePath = pausePath
        launch.mounts = sandboxMounts
        launch.sysctls = sysctls
        launch.hostNetwork = network?.hostNetwork ?? false
        launch.hostPID = hostPID
        launch.hostIPC = hostIPC
        launch.idMap = idMap
        launch.rootless = rootless
        return launch
    }

    /// A container joining the pause `pausePID`, on a fresh overlay under
    /// `containerDirectory/NAME` (its cgroup is the supervisor's to add: it makes it
    /// afresh for every start).
    public func containerLaunch(_ container: ContainerPlan, pausePID: Int32) throws(PodError) -> ContainerLaunch {
        var launch = ContainerLaunch()
        launch.podPID = pausePID
        launch.sharePID = sharePID
        launch.hostPID = hostPID
        launch.lowerDirs = container.lowerDirs
        let base = "\(containerDirectory)/\(container.name)"
        launch.upperDir = base + "/upper"
        launch.workDir = base + "/work"
        launch.rootfs = base + "/rootfs"
        launch.readOnlyRoot = container.readOnlyRoot
        launch.mounts = container.mounts
        launch.initPath = container.useInit ? initPath : ""
        launch.process = try process(of: container, argv: container.argv, tty: container.tty)
        launch.idMap = idMap
        launch.joinsPodUserNamespace = rootless != nil
        launch.rootlessOverlay = rootless == nil ? nil : rootlessOverlay ?? RootlessOverlay()
        return launch
    }

    /// An exec into the running container whose process is `pid`: its environment,
    /// working directory, user, confinement and user namespace, as the runtimes give an
    /// exec; in its cgroup, as runc's exec, so the command counts against its limits.
    public func execLaunch(into container: ContainerPlan, pid: Int32, command: [String], tty: Bool) throws(PodError) -> ExecLaunch {
        var launch = ExecLaunch()
        launch.targetPID = pid
        launch.process = try process(of: container, argv: command, tty: tty)
        launch.idMap = idMap
        launch.joinsPodUserNamespace = rootless != nil
        launch.placement = Placement(cgroupProcs: cgroups?.procsFiles(ofContainer: container.name) ?? [], oomScoreAdj: container.oomScoreAdj)
        return launch
    }

    private func process(of container: ContainerPlan, argv: [String], tty: Bool) throws(PodError) -> ProcessSpec {
        ProcessSpec(argv: argv, env: container.env, cwd: container.cwd, uid: container.uid, gid: container.gid, groups: container.groups,
                    tty: tty, confinement: try launchConfinement(of: container))
    }

    /// The container's confinement with its compiled seccomp program read by key. A
    /// filter without a key (a plan from before the cache) carries its program or its
    /// rules itself.
    public func launchConfinement(of container: ContainerPlan) throws(PodError) -> Confinement {
        var confinement = container.confinement
        guard let key = confinement.seccomp?.programKey else { return confinement }
        confinement.seccomp?.program = try SeccompProgramFile.read(directory: seccompCache, key: key, container: container.name)
        // The helper gets the program; the key is the run plan's way to name it.
        confinement.seccomp?.programKey = nil
        return confinement
    }
}
