import PodLaunch

extension LaunchPlan {
    /// The plan of an exec into a running container (podctl exec, exec probes and hooks):
    /// its environment, working directory, user, confinement and user namespace.
    public static func exec(into container: ContainerPlan, pid: Int32, idMap: IDMap?, rootless: RootlessMapping? = nil, command: [String], tty: Bool) -> LaunchPlan {
        var launch = LaunchPlan(mode: .exec)
        launch.targetPID = pid
        launch.argv = command
        launch.env = container.env
        launch.cwd = container.cwd
        launch.uid = container.uid
        launch.gid = container.gid
        launch.groups = container.groups
        launch.tty = tty
        launch.confinement = container.confinement
        launch.idMap = idMap
        launch.rootless = rootless
        launch.oomScoreAdj = container.oomScoreAdj
        return launch
    }
}
