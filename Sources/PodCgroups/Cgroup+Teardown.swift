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
    /// no such file, and a fork bomb outruns a kill by listing: every round freezes the
    /// cgroup first, so no task can fork while `cgroup.procs` is read, sends SIGKILL to
    /// each task and thaws it so they die — runc's `signalAllProcesses`, repeated until
    /// the cgroup is seen empty as often as `emptyRoundsNeeded` says. Returns whether the
    /// cgroup is empty.
    @discardableResult
    public func killAll(seconds: Double = 10) -> Bool {
        guard exists else { return true }
        let kill = hierarchy.version == .v2 ? directories.first.map { $0 + "/cgroup.kill" }.flatMap { Files.exists($0) ? $0 : nil } : nil
        let freezer = hierarchy.version == .v1 ? directory("freezer").flatMap { Files.isDirectory($0) ? $0 : nil } : nil
        var emptyRounds = 0
        let empty = Self.waitUntil(seconds: seconds) {
            if let kill { try? CgroupFiles.write("1", to: kill) }
            let frozen = freezer.map { freeze($0, seconds: 1) } ?? false
            let left = processes()
            left.forEach { Glibc.kill($0, SIGKILL) }
            if let freezer { try? CgroupFiles.write("THAWED", to: freezer + "/freezer.state") }
            emptyRounds = left.isEmpty ? emptyRounds + 1 : 0
            return emptyRounds >= Self.emptyRoundsNeeded(frozen: frozen, killedByKernel: kill != nil)
        }
        // Never leave a cgroup frozen: its tasks could not even die of the SIGKILL.
        if let freezer { try? CgroupFiles.write("THAWED", to: freezer + "/freezer.state") }
        return empty
    }

    /// How many empty listings in a row prove the cgroup empty. One, when no task could
    /// fork while it was read: the cgroup was FROZEN (a task forking as the freeze began
    /// has its child in the cgroup, frozen too), or `cgroup.kill` was written (the kernel
    /// kills what forks after it, cgroup-v2(7)): an empty listing then leaves no task
    /// that could add one. Otherwise a task may have forked between the listing and its
    /// exit, and a second listing, 5 ms later, looks for its child (D79).
    public static func emptyRoundsNeeded(frozen: Bool, killedByKernel: Bool) -> Int {
        frozen || killedByKernel ? 1 : 2
    }

    /// FROZEN is reached once every task has stopped; until then the state reads FREEZING.
    /// Returns whether it was seen reached within `seconds` (a state that does not read,
    /// the cgroup gone meanwhile, ends the wait but proves nothing).
    private func freeze(_ freezer: String, seconds: Double) -> Bool {
        var frozen = false
        _ = Self.waitUntil(seconds: seconds) {
            try? CgroupFiles.write("FROZEN", to: freezer + "/freezer.state")
            guard let state = try? Files.readText(freezer + "/freezer.state") else { return true }
            frozen = state.hasPrefix("FROZEN")
            return frozen
        }
        return frozen
    }

    /// Kills what is in the cgroup and removes it (every cgroup below it, deepest first,
    /// in every hierarchy), again and again until it is gone or `seconds` pass: a cgroup
    /// refuses rmdir with EBUSY while a task is in it, and a task may still be exiting.
    /// Returns the directories that are still there, with the errno of their last rmdir.
    public func teardown(seconds: Double = 15) -> [(directory: String, errno: Int32)] {
        let deadline = monotonicSeconds() + seconds
        var left: [(directory: String, errno: Int32)] = []
        repeat {
            killAll(seconds: max(0.05, min(2, deadline - monotonicSeconds())))
            left = removeOnce()
            if left.isEmpty || left.contains(where: { $0.errno != EBUSY }) { return left }
            usleep(5_000)
        } while monotonicSeconds() < deadline
        return left
    }

    /// One rmdir of every directory of the cgroup's trees, deepest first.
    private func removeOnce() -> [(directory: String, errno: Int32)] {
        var left: [(directory: String, errno: Int32)] = []
        for directory in directories {
            for tree in Self.tree(directory).reversed() where rmdir(tree) != 0 && errno != ENOENT {
                left.append((tree, errno))
            }
        }
        return left
    }

    /// Kills what is left and removes the cgroup: what the supervisor's stop does. The
    /// error names every directory left and what was still in it.
    public func destroy(seconds: Double = 15) throws(PodError) {
        let left = teardown(seconds: seconds)
        guard let first = left.first else { return }
        let pids = processes().map(String.init).joined(separator: " ")
        throw PodError.system("rmdir", errno: first.errno, path: first.directory,
                              "cannot remove the cgroup directories \(left.map(\.directory).joined(separator: ", ")) within \(Int(seconds)) s; processes in them: \(pids.isEmpty ? "none" : pids)")
    }

    /// A directory and every directory below it, parents before children. The children
    /// come from getdents' types, not a stat of each of a cgroup's dozens of files.
    static func tree(_ directory: String) -> [String] {
        guard Files.isDirectory(directory) else { return [] }
        var result = [directory]
        for child in Files.subdirectories(directory) {
            result += tree(directory + "/" + child)
        }
        return result
    }

    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while monotonicSeconds() < deadline {
            if condition() { return true }
            usleep(5_000)
        }
        return condition()
    }
}
