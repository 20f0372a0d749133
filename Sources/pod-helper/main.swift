// pod-helper: the single-threaded namespace helper (docs/architecture.md, D13).
//
// The supervisor is multi-threaded Swift and must never call setns/unshare or run code
// between fork and exec. This process does that work instead: it reads a LaunchPlan on
// descriptor 3, joins or creates namespaces, forks, prepares the process and execs.
// It reports on descriptor 4 (see HelperReport). It links neither Foundation nor
// Dispatch, so it stays single-threaded, and fork is safe here.
import Glibc
import PodLaunch

let plan: LaunchPlan
switch LaunchPlan.decode(readPlan()) {
case let .success(decoded): plan = decoded
case let .failure(problem): fail(.plan, "read", 0, "", "a malformed launch plan: \(problem.message)")
}

// Cgroups before namespaces (Cgroups.swift); the seccomp and network modes start nothing.
enterCgroups(plan)
applyOOMScore(plan)

switch plan.mode {
case .sandbox: startSandbox(plan)
case .container: startContainer(plan)
case .exec: runExec(plan)
case .seccomp: compileSeccomp(plan)
case .network: configureNetwork(plan)
}
