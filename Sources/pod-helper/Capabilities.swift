import CPodShim
import Glibc
import PodLaunch

/// The capabilities of the running kernel as a mask (a set may say `UInt64.max`).
func kernelCapabilities() -> UInt64 {
    let last = podshim_cap_last()
    return last >= 63 ? .max : (1 << UInt64(last + 1)) - 1
}

/// Drops from the bounding set every capability the process may not keep: no execve
/// can give it back. Needs CAP_SETPCAP, so it runs while the process is still root with
/// every capability, before the user changes.
func limitBoundingSet(_ bounding: UInt64) {
    let known = kernelCapabilities()
    for cap in 0..<64 where known & (1 << UInt64(cap)) != 0 && bounding & (1 << UInt64(cap)) == 0 {
        check(podshim_capbset_drop(Int32(cap)), "prctl(PR_CAPBSET_DROP)", "", "cannot drop capability \(cap) from the bounding set")
    }
}

/// Sets groups, group and user (setuid last, or the others are no longer permitted),
/// keeping the permitted set across setuid so the capability sets can be set after it,
/// as runc does; a non-root user then loses them at execve all the same (no file
/// capabilities, no ambient ones: docs/security.md).
func becomeUser(_ process: ProcessSpec) {
    var groups = process.groups.map { gid_t($0) }
    check(setgroups(groups.count, &groups), "setgroups", "", "cannot set the supplementary groups")
    check(setgid(process.gid), "setgid", "", "cannot set group \(process.gid)")
    check(podshim_set_keepcaps(1), "prctl(PR_SET_KEEPCAPS)", "")
    check(setuid(process.uid), "setuid", "", "cannot set user \(process.uid)")
    check(podshim_set_keepcaps(0), "prctl(PR_SET_KEEPCAPS)", "")
}

/// The effective, permitted and inheritable sets, then the ambient set (each ambient
/// capability must be permitted and inheritable). A set cannot grow beyond what this
/// process holds (podctl itself may run with fewer than the kernel knows), so
/// "everything" is everything the process has.
func applyCapabilitySets(_ sets: CapabilitySets) {
    var effective: UInt64 = 0, permitted: UInt64 = 0, inheritable: UInt64 = 0
    check(podshim_capget(&effective, &permitted, &inheritable), "capget", "")
    let held = permitted
    check(podshim_capset(sets.effective & held, sets.permitted & held, sets.inheritable & held), "capset", "", "cannot set the container's capabilities")
    let ambient = sets.ambient & held & sets.inheritable
    guard ambient != 0 else { return }
    check(podshim_ambient_clear_all(), "prctl(PR_CAP_AMBIENT)", "")
    for cap in 0..<64 where ambient & (1 << UInt64(cap)) != 0 {
        check(podshim_ambient_raise(Int32(cap)), "prctl(PR_CAP_AMBIENT_RAISE)", "", "cannot raise ambient capability \(cap)")
    }
}
