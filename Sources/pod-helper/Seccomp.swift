import CPodShim
import CSeccomp
import Glibc
import PodLaunch

/// Loads the filter into this process (inherited by every child; it cannot be
/// removed): the program compiled when the pod was applied, or else the rules, built
/// here with libseccomp. Without no_new_privs the kernel requires CAP_SYS_ADMIN for the
/// load, so the caller then loads it before giving up root.
func loadSeccomp(_ filter: SeccompFilter) {
    if let program = filter.program {
        let flags = UInt32(filter.log ? PODSHIM_SECCOMP_FLAG_LOG : 0) | UInt32(filter.specAllow ? PODSHIM_SECCOMP_FLAG_SPEC_ALLOW : 0)
        let result = program.bytes.withUnsafeBytes { podshim_seccomp_load($0.baseAddress, $0.count, flags) }
        check(result, "seccomp", "", "cannot load the seccomp filter")
        return
    }
    let context = buildSeccomp(filter)
    let result = seccomp_load(context)
    if result != 0 { seccompFailure("seccomp_load", result, "cannot load the seccomp filter") }
    seccomp_release(context)
}

/// seccomp mode: compiles the plan's filter and writes the BPF program on standard
/// output, for `podctl apply` to keep in the seccomp cache.
func compileSeccomp(_ filter: SeccompFilter) -> Never {
    let context = buildSeccomp(filter)
    let memory = check(podshim_memfd("seccomp"), "memfd_create", "")
    let result = seccomp_export_bpf(context, memory)
    if result != 0 { seccompFailure("seccomp_export_bpf", result, "cannot compile the seccomp filter") }
    seccomp_release(context)
    check(Int32(truncatingIfNeeded: lseek(memory, 0, SEEK_SET)), "lseek", "")
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(memory, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        check(Int32(count < 0 ? -1 : 0), "read", "")
        if count == 0 { break }
        var offset = 0
        while offset < count {
            let written = chunk.withUnsafeBytes { write(1, $0.baseAddress! + offset, count - offset) }
            if written < 0 && errno == EINTR { continue }
            check(Int32(written < 0 ? -1 : 0), "write", "", "cannot write the seccomp program")
            offset += written
        }
    }
    exit(0)
}

/// The filter as libseccomp builds it: the default action, the architectures, the rules.
private func buildSeccomp(_ filter: SeccompFilter) -> scmp_filter_ctx {
    guard let context = seccomp_init(filter.defaultAction.libseccompValue) else {
        fail(.setup, "seccomp_init", ENOMEM, "", "cannot create the seccomp filter")
    }
    for architecture in filter.architectures {
        let token = seccomp_arch_resolve_name(architecture)
        if token == 0 { fail(.plan, "seccomp_arch_resolve_name", EINVAL, "", "libseccomp does not know the architecture \(architecture)") }
        let result = seccomp_arch_add(context, token)
        if result != 0 && result != -EEXIST { seccompFailure("seccomp_arch_add", result, "cannot add the architecture \(architecture) to the seccomp filter") }
    }
    // The helper sets no_new_privs itself, when the container's confinement says so.
    setAttribute(context, SCMP_FLTATR_CTL_NNP, 0)
    if filter.log { setAttribute(context, SCMP_FLTATR_CTL_LOG, 1) }
    if filter.specAllow { setAttribute(context, SCMP_FLTATR_CTL_SSB, 1) }
    // A binary tree over the system call numbers instead of a linear chain: a call
    // takes a few comparisons to decide, not hundreds.
    setAttribute(context, SCMP_FLTATR_CTL_OPTIMIZE, 2)
    for rule in filter.rules where rule.action != filter.defaultAction {
        var comparisons = rule.arguments.map {
            scmp_arg_cmp(arg: $0.index, op: scmp_compare(rawValue: $0.op.libseccompValue), datum_a: $0.value, datum_b: $0.valueTwo)
        }
        for name in rule.names {
            // Unknown to this libseccomp (a newer call, another architecture's): skipped, as runc does.
            let number = seccomp_syscall_resolve_name(name)
            if number == -1 { continue }
            let result = seccomp_rule_add_array(context, rule.action.libseccompValue, number, UInt32(comparisons.count), &comparisons)
            if result != 0 { seccompFailure("seccomp_rule_add", result, "cannot add the seccomp rule for \(name) (\(rule.action))") }
        }
    }
    return context
}

private func setAttribute(_ context: scmp_filter_ctx, _ attribute: scmp_filter_attr, _ value: UInt32) {
    let result = seccomp_attr_set(context, attribute, value)
    if result != 0 { seccompFailure("seccomp_attr_set", result, "cannot set seccomp filter attribute \(attribute.rawValue)") }
}

/// libseccomp returns -errno.
private func seccompFailure(_ call: String, _ result: Int32, _ message: String) -> Never {
    fail(.setup, call, -result, "", message + ": " + String(cString: strerror(-result)))
}
