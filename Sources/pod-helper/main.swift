// pod-helper: the single-threaded namespace helper (docs/architecture.md, D13).
//
// The supervisor is single-threaded too (one poll loop), but it links Foundation, and
// podctl is multi-threaded: neither may rely on having one thread, so neither calls
// setns/unshare nor runs code between fork and exec; they start children with
// posix_spawn only. This process does that work instead: it reads a LaunchPlan (one
// payload per mode) on
// descriptor 3, joins or creates namespaces, forks, prepares the process and execs.
// It reports on descriptor 4 (see HelperReport). It links neither Foundation nor
// Dispatch, so nothing starts a thread behind its back, and fork is safe here.
import Glibc
import PodLaunch

// port-forward takes no plan: a long-lived connector in the pod's network namespace
// (PortForward.swift), started by `podctl port-forward` with its descriptors 3 and 4.
if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == "port-forward" { runPortForward() }
// The user network's holder and the entry into it take no plan either (UserNetwork.swift,
// D65): the holder is long-lived, and the entry runs pod-network or pod-dns inside.
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "user-network" { runUserNetwork(Array(CommandLine.arguments.dropFirst(2))) }
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "in-user-network" { runInUserNetwork(Array(CommandLine.arguments.dropFirst(2))) }
// A non-root user's hostPorts: a long-lived forwarder started by the supervisor (HostPorts.swift, D69).
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "host-ports" { runHostPorts(Array(CommandLine.arguments.dropFirst(2))) }

let plan: LaunchPlan
do {
    plan = try LaunchPlan.decode(readPlan())
} catch {
    fail(.plan, "read", 0, "", error.message)
}
// Every string of the plan becomes a C string (a path, an argv or env entry), where a
// NUL would silently cut it: refused whole (validation refuses them in manifests).
if let field = plan.fieldWithNUL {
    fail(.plan, "read", EINVAL, "", "the launch plan's \(field) holds a NUL byte, which no path, argument or environment entry can carry")
}

// Cgroups before namespaces (Cgroups.swift); the seccomp and network modes start nothing.
if case let .exec(exec) = plan, exec.joinsPodUserNamespace {
    enterCgroups(plan.placement, refusalTolerated: true)
} else {
    enterCgroups(plan.placement)
}
applyOOMScore(plan.placement)

switch plan {
case let .sandbox(sandbox): startSandbox(sandbox)
case let .container(container): startContainer(container)
case let .exec(exec): runExec(exec)
case let .seccomp(filter): compileSeccomp(filter)
case let .network(network): configureNetwork(network)
}
