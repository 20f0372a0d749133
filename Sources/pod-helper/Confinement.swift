import CPodShim
import Glibc
import PodLaunch

/// The last steps before exec, for a container's init and for an exec alike, in runc's
/// order (docs/security.md):
///
/// 1. the bounding set (needs CAP_SETPCAP: the process is still root with everything),
/// 2. the seccomp filter now if no_new_privs stays off (the load then needs CAP_SYS_ADMIN),
/// 3. groups, group and user,
/// 4. the effective, permitted, inheritable and ambient sets,
/// 5. no_new_privs, and the seccomp filter as the very last step.
///
/// Only the exec itself comes after: the filter must allow execve and execveat.
func dropPrivileges(_ process: ProcessSpec) {
    let confinement = process.confinement
    limitBoundingSet(confinement.capabilities.bounding)
    let filterFirst = !confinement.noNewPrivileges
    if filterFirst, let filter = confinement.seccomp { loadSeccomp(filter) }
    becomeUser(process)
    applyCapabilitySets(confinement.capabilities)
    if confinement.noNewPrivileges {
        check(podshim_set_no_new_privs(), "prctl(PR_SET_NO_NEW_PRIVS)", "", "cannot set no_new_privs")
    }
    if !filterFirst, let filter = confinement.seccomp { loadSeccomp(filter) }
}

/// pause needs nothing: no capabilities at all and no_new_privs (containerd gives the
/// sandbox container none either).
func confinePause() {
    limitBoundingSet(0)
    check(podshim_capset(0, 0, 0), "capset", "", "cannot drop pause's capabilities")
    check(podshim_set_no_new_privs(), "prctl(PR_SET_NO_NEW_PRIVS)", "", "cannot set no_new_privs for pause")
}
