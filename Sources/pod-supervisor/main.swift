// pod-supervisor: runs one pod (docs/runtime.md). Started detached by `podctl apply`
// with the path of the pod's run plan; lives until the pod is deleted.
import Foundation
import Glibc
import PodRuntime

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: pod-supervisor RUNPLAN.json (started by podctl apply)\n".utf8))
    exit(2)
}
let path = CommandLine.arguments[1]
do {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let plan = try JSONDecoder().decode(RunPlan.self, from: data)
    exit(Supervisor(plan: plan, planPath: path).run())
} catch {
    FileHandle.standardError.write(Data("pod-supervisor: cannot read the run plan \(path): \(error)\n".utf8))
    exit(2)
}
