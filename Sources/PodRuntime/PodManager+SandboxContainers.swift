import PodCore
import PodModel
import PodOS
import PodPlan
import PodStore

/// The container RPCs of the CRI endpoint over a sandbox's pod (D62): a container joins
/// the pod's manifest and run plan (the planner plans it as it plans apply's), then the
/// supervisor, in its never-restart mode, adds, starts, stops and removes it on the
/// kubelet's word (Supervisor+Kubelet.swift).
/// What a CRI container has beyond its v1 Container: the kubelet's log file, and the
/// masked and read-only paths the kubelet gives (empty: podctl's defaults, which are the
/// kubelet's; a privileged container has none either way).
public struct SandboxContainerOptions: Sendable {
    public var logPath: String?
    public var maskedPaths: [String]
    public var readOnlyPaths: [String]
    /// The CRI gives supplemental groups per container (the kubelet's pod-level
    /// supplementalGroups and fsGroup): added to those the planner found.
    public var supplementalGroups: [UInt32]
    /// pod-init in front of the workload (ContainerPlan.useInit). containerd and runc run
    /// none: the entrypoint is PID 1 of a container's own PID namespace (critest's
    /// ContainerPID spec reads it from /proc/1/cmdline), so the CRI endpoint turns it off.
    public var runsInit: Bool
    /// The CRI's run_as_username: the user, looked up in the image's /etc/passwd as the
    /// image's User is (RunPlanner.userNames), when no run_as_user is given.
    public var userName: String?
    /// The CRI's `supplemental_groups_policy: Strict`: the user's groups in the image's
    /// /etc/group are left out (RunPlanner.strictGroups).
    public var strictGroups: Bool

    public init(logPath: String?, maskedPaths: [String] = [], readOnlyPaths: [String] = [], supplementalGroups: [UInt32] = [], runsInit: Bool = true,
                userName: String? = nil, strictGroups: Bool = false) {
        self.userName = userName
        self.strictGroups = strictGroups
        self.logPath = logPath
        self.maskedPaths = maskedPaths
        self.readOnlyPaths = readOnlyPaths
        self.supplementalGroups = supplementalGroups
        self.runsInit = runsInit
    }

    /// Onto the container's plan, as the planner made it.
    func apply(to plan: inout ContainerPlan) {
        plan.logPath = logPath
        plan.useInit = runsInit
        for group in supplementalGroups where !plan.groups.contains(group) { plan.groups.append(group) }
        guard !plan.confinement.privileged else { return }
        if !maskedPaths.isEmpty { plan.confinement.maskedPaths = maskedPaths }
        if !readOnlyPaths.isEmpty { plan.confinement.readOnlyPaths = readOnlyPaths }
    }
}

/// The user a container's process runs as: uid, primary gid and supplementary groups, as
/// the planner resolved them (docs/runtime.md).
public struct ContainerIdentity: Codable, Equatable, Sendable {
    public var uid: UInt32
    public var gid: UInt32
    public var groups: [UInt32]

    public init(uid: UInt32, gid: UInt32, groups: [UInt32]) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// The groups `id -G` lists: the primary group first, then the others once each (the
    /// CRI's ContainerUser.supplemental_groups, as containerd fills it from runc's
    /// additional GIDs, which hold the primary group too).
    public var allGroups: [UInt32] {
        var seen = Set<UInt32>()
        return ([gid] + groups).filter { seen.insert($0).inserted }
    }
}

extension PodManager {
    /// CreateContainer: `container` (with its `volumes`, hostPath volumes for the CRI's
    /// mounts) joins the sandbox's pod, created, not started; `options` go onto its plan.
    /// The image must be in the store (the kubelet pulls first). `recording` gets the
    /// identity the container's process will have (ContainerStatus reports it, as
    /// containerd does) once the pod is planned, before the pod's state changes: the
    /// caller's record of the container is then written once, complete, and a daemon
    /// killed after it finds a record for every container it may have added.
    public func addContainer(_ key: PodKey, container: Container, volumes: [Volume], options: SandboxContainerOptions,
                             recording: (ContainerIdentity?) throws(PodError) -> Void = { _ in }) throws(PodError) {
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        guard let before = try store.read(Pod.self, from: paths.manifest), let previous = try store.read(RunPlan.self, from: paths.runPlan) else {
            throw PodError(.notFound, "pod \(key) not found")
        }
        guard supervisorAlive(try readStatus(paths)) else {
            throw PodError(.conflict, "the sandbox of pod \(key) is not running: create its containers before it is stopped")
        }
        let name = container.name ?? ""
        var pod = before
        var spec = pod.spec ?? PodSpec()
        if spec.containers?.contains(where: { $0.name == name }) == true {
            throw PodError(.alreadyExists, "pod \(key) already has a container \(name)")
        }
        spec.containers = (spec.containers ?? []) + [container]
        spec.volumes = (spec.volumes ?? []) + volumes
        pod.spec = spec
        var plan = try replan(pod, key: key, previous: previous, adding: name, userName: options.userName, strictGroups: options.strictGroups)
        // The containers already there keep what the CRI gave them; the new one gets its own.
        for index in plan.containers.indices {
            if plan.containers[index].name == name {
                options.apply(to: &plan.containers[index])
            } else if let earlier = previous.containers.first(where: { $0.name == plan.containers[index].name }) {
                plan.containers[index].logPath = earlier.logPath
                // Their users as resolved at their create (a run_as_username is not in the manifest).
                plan.containers[index].uid = earlier.uid
                plan.containers[index].gid = earlier.gid
                plan.containers[index].useInit = earlier.useInit
                plan.containers[index].groups = earlier.groups
                plan.containers[index].confinement.maskedPaths = earlier.confinement.maskedPaths
                plan.containers[index].confinement.readOnlyPaths = earlier.confinement.readOnlyPaths
            }
        }
        try recording(plan.containers.first { $0.name == name }.map { ContainerIdentity(uid: $0.uid, gid: $0.gid, groups: $0.groups) })
        try store.write([(pod, paths.manifest), (plan, paths.runPlan)])
        do {
            try control(paths, ControlRequest(op: .addContainer, container: name))
        } catch {
            // The supervisor did not take it: the pod is as it was, so a retry or a remove
            // meets no half-added container.
            try? store.write([(before, paths.manifest), (previous, paths.runPlan)])
            throw error
        }
    }

    /// StartContainer, StopContainer (`grace` seconds, then SIGKILL): the supervisor's word.
    public func startContainer(_ key: PodKey, name: String) throws(PodError) {
        try control(PodPaths(store: store, key: key), ControlRequest(op: .startContainer, container: name))
    }

    /// ReopenContainerLog: the kubelet rotated the container's log file.
    public func reopenContainerLog(_ key: PodKey, name: String) throws(PodError) {
        try control(PodPaths(store: store, key: key), ControlRequest(op: .reopenLog, container: name))
    }

    public func stopContainer(_ key: PodKey, name: String, grace: Double) throws(PodError) {
        let paths = PodPaths(store: store, key: key)
        guard supervisorAlive(try readStatus(paths)) else { return }
        try control(paths, ControlRequest(op: .stopContainer, grace: grace, container: name))
        // The CRI's StopContainer returns once the container is down (SIGKILL at the grace's end).
        _ = waitUntil(seconds: grace + 10) { (try? self.readStatus(paths))?.containers.first { $0.name == name }?.pid == nil }
    }

    /// RemoveContainer: leaves the supervisor (a running one is killed first, as
    /// containerd does), then the manifest and run plan. A container already gone, or a
    /// sandbox already stopped, is no error.
    public func removeContainer(_ key: PodKey, name: String) throws(PodError) {
        let lock = try store.lock(key)
        defer { lock.release() }
        let paths = PodPaths(store: store, key: key)
        if supervisorAlive(try readStatus(paths)) {
            try control(paths, ControlRequest(op: .stopContainer, grace: 0, container: name))
            _ = waitUntil(seconds: 10) { (try? self.readStatus(paths))?.containers.first { $0.name == name }?.pid == nil }
            try control(paths, ControlRequest(op: .removeContainer, container: name))
        }
        guard var pod = try store.read(Pod.self, from: paths.manifest), var plan = try store.read(RunPlan.self, from: paths.runPlan) else { return }
        let mounts = Set(pod.spec?.containers?.first { $0.name == name }?.volumeMounts?.compactMap(\.name) ?? [])
        pod.spec?.containers?.removeAll { $0.name == name }
        pod.spec?.volumes?.removeAll { mounts.contains($0.name ?? "") }
        plan.containers.removeAll { $0.name == name }
        try store.write([(pod, paths.manifest), (plan, paths.runPlan)])
        try? Files.removeTree(paths.containers + "/" + name)
    }

    /// The pod planned again with its network, user namespace and uid kept, as an
    /// in-place update plans it.
    private func replan(_ pod: Pod, key: PodKey, previous: RunPlan, adding name: String, userName: String?, strictGroups: Bool) throws(PodError) -> RunPlan {
        var planner = RunPlanner(pod: pod, key: key, store: store, binaries: try Binaries.locate(), configMaps: [], secrets: [], uid: previous.uid)
        planner.userNames = userName.map { [name: $0] } ?? [:]
        planner.strictGroups = strictGroups ? [name] : []
        planner.hostMountsChecked = [name]
        planner.network = previous.network
        planner.idMap = previous.idMap
        var plan = try planner.plan()
        plan.kubeletRestarts = true
        return plan
    }

    /// One request to the pod's supervisor; a refusal is the error (notFound when it
    /// names something missing). Internal: PodManager+ContainerResources.swift sends too.
    func control(_ paths: PodPaths, _ request: ControlRequest) throws(PodError) {
        let reply = try SupervisorClient(path: paths.controlSocket).send(request)
        guard reply.ok else {
            let code: PodError.Code = reply.message.contains("not found") ? .notFound : .conflict
            throw PodError(code, "container \(request.container ?? ""): \(reply.message)")
        }
    }
}
