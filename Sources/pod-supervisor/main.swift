// pod-supervisor: runs one pod (docs/runtime.md). Started detached by `podctl apply`
// with the path of the pod's run plan; lives until the pod is deleted. It links no
// Foundation (docs/architecture.md, D55).
import Glibc
import PodPlan
import PodSupervisor

guard CommandLine.arguments.count == 2 else {
    writeStandardError("usage: pod-supervisor RUNPLAN.json (started by podctl apply)\n")
    exit(2)
}
let path = CommandLine.arguments[1]
do {
    let plan = try RunPlan.read(from: path)
    exit(Supervisor(plan: plan, planPath: path).run())
} catch {
    writeStandardError("pod-supervisor: \(error)\n")
    exit(2)
}
