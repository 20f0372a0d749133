extension LaunchPlan {
    /// The first field whose string holds a NUL byte (`env[3]`, `mounts[1].target`), or
    /// nil. The codec carries NUL faithfully, but every one of these strings ends up a C
    /// string — a path for mount(2) or chdir(2), an argv or envp entry for execve(2) —
    /// where a NUL silently cuts it short. pod-helper refuses such a plan whole; podctl
    /// refuses NUL in manifests at validation and in image and ConfigMap/Secret values
    /// at planning, so this is the last line, not the first.
    public var fieldWithNUL: String? {
        var named: [(String, String)] = [
            ("hostname", hostname), ("upperDir", upperDir), ("workDir", workDir), ("rootfs", rootfs), ("cwd", cwd),
            ("initPath", initPath), ("interface", interface),
        ]
        func add(_ name: String, _ values: [String]) {
            named += values.enumerated().map { ("\(name)[\($0.offset)]", $0.element) }
        }
        add("lowerDirs", lowerDirs)
        add("argv", argv)
        add("env", env)
        add("sysctls", sysctls)
        add("cgroupProcs", cgroupProcs)
        add("rootless.uidMapper", rootless?.uidMapper ?? [])
        add("rootless.gidMapper", rootless?.gidMapper ?? [])
        add("maskedPaths", confinement.maskedPaths)
        add("readOnlyPaths", confinement.readOnlyPaths)
        add("seccomp.architectures", confinement.seccomp?.architectures ?? [])
        for (index, rule) in (confinement.seccomp?.rules ?? []).enumerated() { add("seccomp.rules[\(index)].names", rule.names) }
        for (index, mount) in mounts.enumerated() {
            named += [("source", mount.source), ("target", mount.target), ("options", mount.options)].map { ("mounts[\(index)].\($0.0)", $0.1) }
        }
        return named.first { $0.1.utf8.contains(0) }?.0
    }
}
