extension PodValidator {
    /// Namespaced sysctls that Kubernetes counts as safe (kubelet's default allow-list).
    static let safeSysctls: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    ]

    mutating func validatePodSecurityContext(_ context: PodSecurityContext?, _ path: FieldPath) {
        guard let context else { return }
        checkID(context.runAsUser, path.child("runAsUser"))
        checkID(context.runAsGroup, path.child("runAsGroup"))
        checkID(context.fsGroup, path.child("fsGroup"))
        for (index, group) in (context.supplementalGroups ?? []).enumerated() {
            checkID(group, path.child("supplementalGroups").index(index))
        }
        if let policy = context.supplementalGroupsPolicy, !["Merge", "Strict"].contains(policy) {
            add(.unsupported(path.child("supplementalGroupsPolicy"), policy, supported: ["Merge", "Strict"]))
        }
        if context.runAsNonRoot == true && context.runAsUser == 0 {
            add(.invalid(path.child("runAsUser"), 0, "runAsNonRoot is true, so the pod may not run as root (UID 0)"))
        }
        validateSeccomp(context.seccompProfile, path.child("seccompProfile"))
        var names = Set<String>()
        for (index, sysctl) in (context.sysctls ?? []).enumerated() {
            let sysctlPath = path.child("sysctls").index(index)
            let name = sysctl.name ?? ""
            if name.isEmpty { add(.required(sysctlPath.child("name"))); continue }
            if !names.insert(name).inserted { add(.duplicate(sysctlPath.child("name"), name)) }
            if !Self.safeSysctls.contains(name.replacingSlashes()) {
                add(.forbidden(sysctlPath.child("name"), "\"\(name)\" is not in the safe, namespaced set that podctl allows (docs/security.md)"))
            }
        }
    }

    mutating func validateSecurityContext(_ context: SecurityContext?, _ path: FieldPath) {
        guard let context else { return }
        checkID(context.runAsUser, path.child("runAsUser"))
        checkID(context.runAsGroup, path.child("runAsGroup"))
        let nonRoot = context.runAsNonRoot ?? spec.securityContext?.runAsNonRoot
        if nonRoot == true && context.runAsUser == 0 {
            add(.invalid(path.child("runAsUser"), 0, "runAsNonRoot is true, so the container may not run as root (UID 0)"))
        }
        for field in ["add", "drop"] {
            let names = field == "add" ? context.capabilities?.add : context.capabilities?.drop
            for (index, name) in (names ?? []).enumerated() where !Names.capabilities.contains(Names.capabilityName(name)) {
                add(.invalid(path.child("capabilities").child(field).index(index), quoting: name, "not a Linux capability (see capabilities(7))"))
            }
        }
        if context.allowPrivilegeEscalation == false {
            if context.privileged == true {
                add(.invalid(path, "{…}", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
            }
            if (context.capabilities?.add ?? []).contains(where: { Names.capabilityName($0) == "SYS_ADMIN" }) {
                add(.invalid(path, "{…}", "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
            }
        }
        checkOneOf(context.procMount, ["Default", "Unmasked"], path.child("procMount"))
        if context.procMount == "Unmasked" && spec.hostUsers != false {
            add(.forbidden(path.child("procMount"), "`hostUsers` must be false to use `Unmasked`"))
        }
        validateSeccomp(context.seccompProfile, path.child("seccompProfile"))
    }

    private mutating func checkID(_ id: Int64?, _ path: FieldPath) {
        guard let id else { return }
        if id < 0 || id > Int64(Int32.max) { add(.invalid(path, id, "must be between 0 and 2147483647, inclusive")) }
    }

    private mutating func validateSeccomp(_ profile: SeccompProfile?, _ path: FieldPath) {
        guard let profile else { return }
        let type = profile.type ?? ""
        let supported = ["Localhost", "RuntimeDefault", "Unconfined"]
        if type.isEmpty { add(.required(path.child("type"))) }
        else if !supported.contains(type) { add(.unsupported(path.child("type"), type, supported: supported)) }
        let local = profile.localhostProfile ?? ""
        if type == "Localhost" {
            if local.isEmpty { add(.required(path.child("localhostProfile"), "must be set when seccomp type is Localhost")) }
            else { addEach(Names.relativePathErrors(local), path.child("localhostProfile"), local) }
        } else if !local.isEmpty {
            add(.invalid(path.child("localhostProfile"), quoting: local, "can only be set when seccomp type is Localhost"))
        }
    }
}

extension String {
    /// `net/ipv4/tcp_rmem` and `net.ipv4.tcp_rmem` name the same sysctl (sysctl.d(5)).
    func replacingSlashes() -> String { String(map { $0 == "/" ? "." : $0 }) }
}
