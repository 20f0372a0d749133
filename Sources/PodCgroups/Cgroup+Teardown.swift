import Foundation
import Glibc
import PodCore
import PodOS

extension Cgroup {
    /// Every process in the cgroup and below it.
    public func processes() -> [pid_t] {
        var found = Set<pid_t>()
        for directory in directories {
            for tree in Self.tree(directory) {
                let text = (try? Files.readText(tree + "/cgroup.procs")) ?? ""
                for line in text.split(separator: "\n") { if let pid = pid_t(line) { found.insert(pid) } }
            }
        }
        return found.sorted()
    }

    /// Kills everything in the cgroup and below, and waits (up to `seconds`) until it is
    /// empty. v2 has `cgroup.kill` (Linux 5.14), which the kernel makes race-free. v1 has
    /// no such file: the freezer stops every task first, so none can fork while the list
    /// is read, then SIGKILL goes to each and the cgroup is thawed so they die (runc's
    /// `signalAllProcesses`). Without either, kill rounds until empty twice in a row.
    /// Returns whether the cgroup is empty.
    @discardableResult
    public func killAll(seconds: Double = 10) -> Bool {
        guard exists else { return true }
        if hierarchy.version == .v2, let directory = directories.first, Files.exists(directory + "/cgroup.kill") {
            try? CgroupFiles.write("1", to: directory + "/cgroup.kill")
        } else if let freezer = directory("freezer"), Files.isDirectory(freezer) {
            freeze(freezer, seconds: min(seconds, 2))
            processes().forEach { kill($0, SIGKILL) }
            try? CgroupFiles.write("THAWED", to: freezer + "/freezer.state")
        }
        var emptyRounds = 0
        return Self.waitUntil(seconds: seconds) {
            let left = processes()
            left.forEach { kill($0, SIGKILL) }
            emptyRounds = left.isEmpty ? emptyRounds + 1 : 0
            return emptyRounds >= 2
        }
    }

    /// FROZEN is reached once every task has stopped; until then the state reads FREEZING.
    private func freeze(_ freezer: String, seconds: Double) {
        _ = Self.waitUntil(seconds: seconds) {
            try? CgroupFiles.write("FROZEN", to: freezer + "/freezer.state")
            return (try? Files.readText(freezer + "/freezer.state"))?.hasPrefix("FROZEN") ?? true
        }
    }

    /// Removes the cgroup and every cgroup below it, deepest first, in every hierarchy.
    /// A cgroup whose last process is still exiting refuses rmdir with EBUSY for a moment:
    /// that is retried until `seconds` pass. Errors are collected; the first is thrown
    /// after everything possible was removed.
    public func remove(seconds: Double = 5) throws(PodError) {
        var failure: PodError?
        for directory in directories {
            for tree in Self.tree(directory).reversed() {
                var code: Int32 = 0
                _ = Self.waitUntil(seconds: seconds) {
                    if rmdir(tree) == 0 || errno == ENOENT { code = 0; return true }
                    code = errno
                    return code != EBUSY
                }
                if code != 0, failure == nil {
                    failure = PodError.system("rmdir", errno: code, path: tree, "cannot remove the cgroup \(tree); processes in it: \(processes().map(String.init).joined(separator: " "))")
                }
            }
        }
        if let failure { throw failure }
    }

    /// Kills what is left and removes the cgroup: what delete and the supervisor's stop do.
    public func destroy() throws(PodError) {
        killAll()
        try remove()
    }

    /// A directory and every directory below it, parents before children.
    static func tree(_ directory: String) -> [String] {
        guard Files.isDirectory(directory) else { return [] }
        var result = [directory]
        let children = ((try? Files.list(directory)) ?? []).sorted()
        for child in children where Files.isDirectory(directory + "/" + child) {
            result += tree(directory + "/" + child)
        }
        return result
    }

    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }
}
