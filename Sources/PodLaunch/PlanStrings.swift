extension LaunchPlan {
    /// The first field whose string holds a NUL byte (`env[3]`, `mounts[1].target`), or
    /// nil. The codec carries NUL faithfully, but every one of these strings ends up a C
    /// string — a path for mount(2) or chdir(2), an argv or envp entry for execve(2) —
    /// where a NUL silently cuts it short. pod-helper refuses such a plan whole; podctl
    /// refuses NUL in manifests at validation and in image and ConfigMap/Secret values
    /// at planning, so this is the last line, not the first.
    public var fieldWithNUL: String? {
        var named: [(String, String)] = []
        func add(_ name: String, _ value: String) { named.append((name, value)) }
        func add(_ name: String, _ values: [String]) {
            named += values.enumerated().map { ("\(name)[\($0.offset)]", $0.element) }
        }
        func add(_ mounts: [MountSpec]) {
            for (index, mount) in mounts.enumerated() {
                named += [("source", mount.source), ("target", mount.target), ("options", mount.options)].map { ("mounts[\(index)].\($0.0)", $0.1) }
            }
        }
        func add(_ confinement: Confinement) {
            add("maskedPaths", confinement.maskedPaths)
            add("readOnlyPaths", confinement.readOnlyPaths)
            add("seccomp.architectures", confinement.seccomp?.architectures ?? [])
            for (index, rule) in (confinement.seccomp?.rules ?? []).enumerated() { add("seccomp.rules[\(index)].names", rule.names) }
        }
        func add(_ process: ProcessSpec) {
            add("cwd", process.cwd)
            add("argv", process.argv)
            add("env", process.env)
            add(process.confinement)
        }
        add("cgroupProcs", placement.cgroupProcs)
        switch self {
        case let .sandbox(plan):
            add("hostname", plan.hostname)
            add("initPath", plan.pausePath)
            add("sysctls", plan.sysctls)
            add("rootless.uidMapper", plan.rootless?.uidMapper ?? [])
            add("rootless.gidMapper", plan.rootless?.gidMapper ?? [])
            add(plan.mounts)
        case let .container(plan):
            add("upperDir", plan.upperDir)
            add("workDir", plan.workDir)
            add("rootfs", plan.rootfs)
            add("initPath", plan.initPath)
            add("lowerDirs", plan.lowerDirs)
            add("rootlessOverlay.fuseProgram", plan.rootlessOverlay?.fuseProgram ?? "")
            add(plan.process)
            add(plan.mounts)
        case let .exec(plan):
            add(plan.process)
        case let .seccomp(filter):
            add(Confinement(seccomp: filter))
        case let .network(plan):
            add("interface", plan.interface)
        }
        return named.first { $0.1.utf8.contains(0) }?.0
    }
}
