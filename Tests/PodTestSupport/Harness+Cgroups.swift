import Foundation
import Glibc
import PodCgroups

extension Harness {
    /// Every process in the harness's cgroup root, in any hierarchy: what the pods left.
    public func podProcesses() throws -> [pid_t] {
        guard let hierarchy = CgroupHierarchy.detect() else { throw HarnessError("no cgroup hierarchy") }
        var pids: Set<pid_t> = []
        for top in hierarchy.mountPoints.map({ $0 + cgroupRoot }) where FileManager.default.fileExists(atPath: top) {
            let below = (FileManager.default.enumerator(atPath: top)?.allObjects as? [String]) ?? []
            for file in [top + "/cgroup.procs"] + below.filter({ $0.hasSuffix("cgroup.procs") }).map({ top + "/" + $0 }) {
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                pids.formUnion(text.split(separator: "\n").compactMap { pid_t($0) })
            }
        }
        return pids.sorted()
    }
}
