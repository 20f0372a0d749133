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
    setSupplementaryGroups(process.groups.map { gid_t($0) }, primary: process.gid)
    check(setgid(process.gid), "setgid", "", "cannot set group \(process.gid)")
    check(podshim_set_keepcaps(1), "prctl(PR_SET_KEEPCAPS)", "")
    check(setuid(process.uid), "setuid", "", "cannot set user \(process.uid)")
    check(podshim_set_keepcaps(0), "prctl(PR_SET_KEEPCAPS)", "")
}

/// setgroups(2), unless the user namespace denies it: newgidmap writes "deny" to
/// /proc/PID/setgroups when a user without /etc/subgid ranges maps only its own group
/// (user_namespaces(7); shadow does so since CVE-2018-7169). Then the groups are left as
/// they are, if none other than the primary group was asked for; otherwise the message
/// names the fix.
func setSupplementaryGroups(_ wanted: [gid_t], primary: gid_t) {
    var groups = wanted
    if setgroups(groups.count, &groups) == 0 { return }
    let code = errno
    if code == EPERM && setgroupsDenied() {
        if groups.allSatisfy({ $0 == primary }) { return }
        fail(.setup, "setgroups", code, "/proc/self/setgroups", "cannot set the supplementary groups \(groups): this user namespace denies setgroups, since the user has no range in /etc/subgid (docs/rootless.md); add one with usermod --add-subgids")
    }
    check(-1, "setgroups", "", "cannot set the supplementary groups")
}

private func setgroupsDenied() -> Bool {
    let fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    var buffer = [UInt8](repeating: 0, count: 8)
    let count = read(fd, &buffer, buffer.count)
    close(fd)
    return count >= 4 && buffer.prefix(4).elementsEqual("deny".utf8)
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
